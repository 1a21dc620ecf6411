/**
 * `npm run admin -- <command>`: instance administration from a shell on the server, working on the
 * DATA_DIR database directly (SQLite in WAL mode: safe while the server runs; the server re-reads
 * users on every request, so a change applies at once).
 *
 *   list-admins                 the admins (and whether they are disabled)
 *   make-admin <username>       grant admin (and enable the account)
 *   remove-admin <username>     revoke admin (never the last enabled admin)
 *   reset-password <username>   print a one-time password-reset link (24 h)
 *   enable <username>           re-enable a disabled account
 */
import { pathToFileURL } from 'node:url';
import { closeDb, type Db } from '../../db/client.js';
import { openDatabase } from '../../db/migrate.js';
import { AuditService } from '../audit/audit.service.js';
import { loadConfig } from '../config.js';
import { AppError } from '../plugins/errors.js';
import { PasswordResets, resetLinkUrl } from './password-resets.js';
import { AdminUsersService } from './users.service.js';

export const CLI_USAGE = `usage: npm run admin -- <command>
  list-admins                 list the instance admins
  make-admin <username>       make a user an admin (and enable the account)
  remove-admin <username>     remove admin rights (never from the last enabled admin)
  reset-password <username>   print a one-time password-reset link (valid 24 h)
  enable <username>           enable a disabled account
  copy-to-postgres --from <sqlite file> --to <postgres URL>
                              copy this instance's SQLite database into PostgreSQL (ids kept, counts verified)`;

/** Runs one command; returns the exit code. Output lines go to `out`, errors to `err`. */
export async function runAdminCommand(argv: string[], env: { db: Db; publicBase: string; out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  const { db, out, err } = env;
  const users = new AdminUsersService(db);
  const audit = new AuditService(db);
  const [cmd, name, ...rest] = argv;
  const record = async (action: Parameters<AuditService['record']>[0]['action'], target: { id: number; username: string }) =>
    await audit.record({ action, actor: null, target: { id: target.id, username: target.username }, ip: null, detail: { via: 'cli' } });
  const needUser = async () => {
    if (!name || rest.length) throw new AppError('VALIDATION', `${cmd} takes one username.`);
    const u = await users.findByUsername(name);
    if (!u) throw new AppError('NOT_FOUND', `No user named "${name}".`);
    return u;
  };
  try {
    switch (cmd) {
      case 'list-admins': {
        const admins = await users.adminUsernames();
        if (!admins.length) out('No admins yet: the first account registered on the server becomes one.');
        for (const a of admins) out(`${a.username}${a.disabled ? ' (disabled)' : ''}`);
        return 0;
      }
      case 'make-admin': {
        const u = await needUser();
        if (u.disabled) {
          await users.setDisabled(u.id, false);
          await record('admin.user_enable', u);
        }
        if (await users.setAdmin(u.id, true)) await record('admin.grant', u);
        out(`${u.username} is an admin.`);
        return 0;
      }
      case 'remove-admin': {
        const u = await needUser();
        if (await users.setAdmin(u.id, false)) await record('admin.revoke', u);
        out(`${u.username} is not an admin.`);
        return 0;
      }
      case 'enable': {
        const u = await needUser();
        if (await users.setDisabled(u.id, false)) await record('admin.user_enable', u);
        out(`${u.username} is enabled.`);
        return 0;
      }
      case 'reset-password': {
        const u = await needUser();
        const { token, expiresAt } = await new PasswordResets(db).create(u.id, null);
        await record('admin.password_reset_link', u);
        out(`One-time password-reset link for ${u.username} (valid until ${new Date(expiresAt).toISOString()}):`);
        out(resetLinkUrl(env.publicBase, token));
        return 0;
      }
      default:
        err(CLI_USAGE);
        return 2;
    }
  } catch (e) {
    if (e instanceof AppError) {
      err(`${e.code}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === 'copy-to-postgres') {
  const { copyToPostgresCommand } = await import('../../db/copy-to-postgres.js');
  process.exit(await copyToPostgresCommand(process.argv.slice(3), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`)));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  // The same database the server uses: PostgreSQL when DATABASE_URL is set, else the SQLite file.
  const db = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: 1, file: config.dbFile });
  const publicBase = config.publicUrl ?? `http://localhost:${config.port}`;
  const code = await runAdminCommand(process.argv.slice(2), { db, publicBase, out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) });
  await closeDb(db);
  process.exit(code);
}
