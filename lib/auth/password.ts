// Password hashing. bcrypt (cost 12 in production) through bcryptjs: pure JS, so it installs
// without native builds; the cost is lowered outside production so tests stay quick.
import bcrypt from 'bcryptjs';
import { env } from '../env';

const COST = env.NODE_ENV === 'production' ? 12 : 8;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
