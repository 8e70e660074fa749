// Request bodies of the access routes (zod): the same checks on every path.
import { z } from 'zod';
import { ROLES } from './identity';

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'email must look like name@example.com');
const name = z.string().trim().min(1, 'name must not be empty').max(100);
const password = z.string().min(10, 'passwords need at least 10 characters').max(200);
const role = z.enum(ROLES);

export const newMemberBody = z.object({ name, email, password }).strict();
export const signInBody = z.object({ email, password: z.string().min(1).max(200) }).strict();
export const inviteBody = z.object({ role }).strict();
export const roleBody = z.object({ role }).strict();
export const tokenBody = z
  .object({
    name,
    role,
    sheets: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a sheet id')).min(1).max(1000).optional(),
  })
  .strict();
