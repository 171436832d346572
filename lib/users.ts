import { z } from "zod";
import { newPasswordSchema } from "./password";

export const ROLES = ["admin", "staff", "courier", "custodian"] as const;
export const roleSchema = z.enum(ROLES, { message: "Choose a role: admin, staff, courier or custodian" });
export type Role = z.infer<typeof roleSchema>;

export const ACCESS_LEVELS = ["read", "write"] as const;
export const accessLevelSchema = z.enum(ACCESS_LEVELS, { message: "Access must be read or write" });
export type AccessLevel = z.infer<typeof accessLevelSchema>;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "Enter a valid email address" }).max(254, "Email is too long"));

export const personNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name")
  .max(120, "Name must be at most 120 characters");

export const newUserSchema = z.object({
  name: personNameSchema,
  email: emailSchema,
  password: newPasswordSchema,
  role: roleSchema,
});
export type NewUser = z.infer<typeof newUserSchema>;

export const firstAdminSchema = z.object({
  name: personNameSchema,
  email: emailSchema,
  password: newPasswordSchema,
  setupCode: z.string().trim().max(64).optional(),
});

export const ROLE_LABEL: Record<Role, string> = {
  admin: "Administrator",
  staff: "Staff",
  courier: "Courier",
  custodian: "Custodian",
};
