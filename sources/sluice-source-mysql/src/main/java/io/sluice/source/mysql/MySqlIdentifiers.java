package io.sluice.source.mysql;

/** Quotes MySQL identifiers; every name in generated SQL goes through here, whatever its source. */
final class MySqlIdentifiers {
  private MySqlIdentifiers() {}

  /** {@code `name`}, with backticks inside doubled. */
  static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** {@code `database`.`table`}. */
  static String quote(String database, String table) {
    return quote(database) + "." + quote(table);
  }
}
