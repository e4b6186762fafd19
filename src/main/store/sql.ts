import type Database from 'better-sqlite3'

/** A connection with a prepared-statement cache and the clock the store stamps rows with. */
export class Sql {
  private readonly statements = new Map<string, Database.Statement>()

  constructor(
    readonly db: Database.Database,
    readonly now: () => number
  ) {}

  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.statements.set(sql, s)
    }
    return s
  }

  /**
   * Runs fn in a BEGIN IMMEDIATE transaction (a savepoint when nested). Taking
   * the write lock up front lets busy_timeout wait for other writers; a
   * deferred transaction that upgrades from read to write fails at once instead.
   */
  write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  /** Runs fn in one read transaction so multi-query reads see one snapshot. */
  read<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn).deferred()
  }
}
