import { z } from "zod";
import { cursorSchema } from "./paging";
import { optionalText } from "./tapes";
import { text } from "./text";
import { SITE_KINDS, type SiteKind } from "./vocabulary";

/** A site as the location forms offer it, online from the server and offline from the phone's cache. */
export type SiteOption = {
  id: string;
  name: string;
  code: string;
  kind: SiteKind;
  /** False for a retired site: offered only by filters over where cartridges already are. */
  active: boolean;
  serviceProvider: string | null;
  defaultCustodian: string | null;
};

const siteId = z.uuid({ message: "Unknown site" });

export const siteSchema = z.object({
  name: text().trim().min(1, "Enter the site's name").max(120, "The name must be at most 120 characters"),
  kind: z.enum(SITE_KINDS, { message: "Choose on site or off site" }),
  address: optionalText(500, "Address"),
  serviceProvider: optionalText(120, "Service provider"),
  defaultCustodian: optionalText(120, "Default custodian"),
});
export type SiteInput = z.output<typeof siteSchema>;
export type SiteFormValues = z.input<typeof siteSchema>;

export const SITE_FORM_DEFAULTS: SiteFormValues = {
  name: "",
  kind: "off_site",
  address: "",
  serviceProvider: "",
  defaultCustodian: "",
};

/** Which sites a picker offers: the active ones, or with `retired` every site. */
export const siteOptionsSchema = z.object({ retired: z.boolean().default(false) }).optional();

export const updateSiteSchema = z.object({ id: siteId, data: siteSchema });
export const setSiteActiveSchema = z.object({ id: siteId, active: z.boolean() });

export const SITE_STATUSES = ["active", "retired", "all"] as const;

export const siteListSchema = z.object({
  search: text().trim().max(120, "Search at most 120 characters").optional(),
  status: z.enum(SITE_STATUSES).default("active"),
  cursor: cursorSchema.optional(),
  limit: z.number().int().min(1).max(200).default(25),
});
export type SiteListInput = z.input<typeof siteListSchema>;

/**
 * Each distinct free-text site of older locations, mapped to an existing site or to one created for it.
 * The text is matched exactly, as it was recorded.
 */
export const mapLegacySitesSchema = z.object({
  mappings: z
    .array(
      z
        .object({
          text: text().trim().min(1, "The text to map is missing").max(120, "The text is at most 120 characters"),
          siteId: siteId.optional(),
          create: siteSchema.optional(),
        })
        .refine((mapping) => (mapping.siteId === undefined) !== (mapping.create === undefined), {
          message: "Choose an existing site or create one, not both",
        }),
    )
    .min(1, "Map at least one text")
    .max(500, "At most 500 texts at once")
    .refine((mappings) => new Set(mappings.map((mapping) => mapping.text)).size === mappings.length, {
      message: "Each text can be mapped once",
    }),
});
export type MapLegacySitesInput = z.output<typeof mapLegacySitesSchema>;

/**
 * The mapping form: one row per old text, mapped to an existing site (its id), to a new site named after
 * the text ("new"), or left for later (""). Its output is the mapping the server takes.
 */
export const legacyMappingFormSchema = z
  .object({
    rows: z.array(z.object({ text: z.string(), choice: z.string(), kind: z.enum(SITE_KINDS) })),
  })
  .transform(({ rows }, ctx): z.input<typeof mapLegacySitesSchema> => {
    const chosen = rows.filter((row) => row.choice !== "");
    if (chosen.length === 0) {
      ctx.addIssue({ code: "custom", message: "Choose a site for at least one text", path: ["rows"] });
      return z.NEVER;
    }
    return {
      mappings: chosen.map((row) =>
        row.choice === "new"
          ? { text: row.text, create: { name: row.text, kind: row.kind } }
          : { text: row.text, siteId: row.choice },
      ),
    };
  });
export type LegacyMappingFormValues = z.input<typeof legacyMappingFormSchema>;
