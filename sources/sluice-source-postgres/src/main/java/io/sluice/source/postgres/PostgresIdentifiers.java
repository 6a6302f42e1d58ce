package io.sluice.source.postgres;

/**
 * Quotes SQL identifiers. Every schema, table and column name that goes into SQL text passes through here, so
 * names with spaces, quotes, dots, mixed case or non-ASCII characters keep their exact spelling. Values never
 * go into SQL text this way: they are bind parameters, or numbers the connector produced itself.
 */
final class PostgresIdentifiers {
  private PostgresIdentifiers() {}

  /** {@code my "table"} becomes {@code "my ""table"""}: double quotes around, inner quotes doubled. */
  static String quote(String identifier) {
    if (identifier.indexOf('\0') >= 0) {
      // PostgreSQL cannot store NUL in a name; refusing it keeps the quoting total.
      throw new IllegalArgumentException("Cannot quote identifier '" + identifier.replace("\0", "\\0")
          + "': it contains a NUL character");
    }
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** {@code "schema"."table"}. */
  static String quote(String schema, String table) {
    return quote(schema) + "." + quote(table);
  }
}
