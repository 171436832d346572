import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "./vocabulary";

/** The password rule shown on every form that sets a password and enforced again on the server. */
export const newPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(128, "Password must be at most 128 characters")
  .refine((value) => /[A-Za-z]/.test(value) && /[0-9]/.test(value), "Password must contain letters and digits")
  .refine((value) => new Set(value).size >= 6, "Password is too repetitive");

/** A signed-in user replacing their own password: the current one proves it is them. */
export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "Enter your current password").max(128, "Password must be at most 128 characters"),
  newPassword: newPasswordSchema,
});
export type ChangePassword = z.infer<typeof changePasswordSchema>;

/**
 * A form that sets a password asks for it twice: `confirm` must repeat `field`. Checked even while other
 * fields are wrong, so every mistake shows at once.
 */
export function withRepeatedPassword<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  field: keyof Shape & string,
) {
  return schema.extend({ confirm: z.string() }).refine(
    (values) => {
      const typed = values as Record<string, unknown>;
      return typed[field] === typed.confirm;
    },
    {
      path: ["confirm"],
      message: "The passwords do not match",
      when: () => true,
    },
  );
}

/** The change-password form: the server's input, the new password typed twice. */
export const changePasswordFormSchema = withRepeatedPassword(changePasswordSchema, "newPassword");
