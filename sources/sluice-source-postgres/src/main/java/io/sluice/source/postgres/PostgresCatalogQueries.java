package io.sluice.source.postgres;

import io.sluice.source.postgres.PostgresColumnType.Kind;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads tables, columns, keys and types from {@code pg_catalog}. Every value is a bind parameter. Stateless;
 * each method runs on the caller's connection (and so inside the caller's transaction, if any).
 */
final class PostgresCatalogQueries {
  /** Domains over domains over arrays are legal; anything deeper than this is a cycle or a bug. */
  private static final int MAX_TYPE_DEPTH = 32;

  private PostgresCatalogQueries() {}

  /** A table or partitioned table. */
  record Table(long oid, String schema, String name, boolean partitioned) {
    String quotedName() {
      return PostgresIdentifiers.quote(schema, name);
    }

    @Override
    public String toString() {
      return schema + "." + name;
    }
  }

  /**
   * A column as the connector reads it.
   *
   * @param sourceType {@code format_type}'s rendering of the declared type, e.g. {@code numeric(12,2)}
   */
  record Column(String name, PostgresColumnType type, boolean nullable, String sourceType) {}

  /**
   * The tables (ordinary and partitioned, not partitions) in {@code schemas} that the current role can read:
   * USAGE on the schema and SELECT on the table.
   */
  static List<Table> readableTables(Connection connection, List<String> schemas) throws SQLException {
    String sql = """
        SELECT c.oid, n.nspname, c.relname, c.relkind = 'p'
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT')
        ORDER BY n.nspname, c.relname
        """;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, connection.createArrayOf("text", schemas.toArray()));
      List<Table> tables = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          tables.add(new Table(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getBoolean(4)));
        }
      }
      return tables;
    }
  }

  /**
   * The tables (ordinary and partitioned, not partitions) in {@code schemas} that the current role can see in the
   * catalog but not read, each with the privilege it lacks: {@code USAGE} on the schema (checked first) or
   * {@code SELECT} on the table.
   */
  static Map<Table, String> unreadableTables(Connection connection, List<String> schemas) throws SQLException {
    String sql = """
        SELECT c.oid, n.nspname, c.relname, c.relkind = 'p',
               CASE WHEN NOT has_schema_privilege(n.oid, 'USAGE') THEN 'USAGE' ELSE 'SELECT' END
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND NOT (has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'))
        ORDER BY n.nspname, c.relname
        """;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, connection.createArrayOf("text", schemas.toArray()));
      Map<Table, String> tables = new LinkedHashMap<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          tables.put(new Table(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getBoolean(4)),
              rows.getString(5));
        }
      }
      return tables;
    }
  }

  /** The table {@code schema.name} (ordinary or partitioned), whether or not the role may read it. */
  static Optional<Table> table(Connection connection, String schema, String name) throws SQLException {
    String sql = """
        SELECT c.oid, c.relkind = 'p'
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')
        """;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, schema);
      statement.setString(2, name);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next()
            ? Optional.of(new Table(rows.getLong(1), schema, name, rows.getBoolean(2)))
            : Optional.empty();
      }
    }
  }

  /** The columns of each table, in ordinal order, with their types resolved. */
  static Map<Long, List<Column>> columns(Connection connection, Collection<Long> tableOids) throws SQLException {
    String sql = """
        SELECT a.attrelid, a.attname, a.atttypid, a.atttypmod, a.attnotnull,
               pg_catalog.format_type(a.atttypid, a.atttypmod)
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = ANY (?::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attrelid, a.attnum
        """;
    record Attribute(long table, String name, long typeOid, int typmod, boolean notNull, String sourceType) {}
    List<Attribute> attributes = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, oidArray(connection, tableOids));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          attributes.add(new Attribute(rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getInt(4),
              rows.getBoolean(5), rows.getString(6)));
        }
      }
    }
    Map<Long, TypeRow> types = typeRows(connection, attributes.stream().map(Attribute::typeOid).toList());
    Map<Long, List<Column>> columns = new LinkedHashMap<>();
    for (Long oid : tableOids) {
      columns.put(oid, new ArrayList<>());
    }
    for (Attribute attribute : attributes) {
      PostgresColumnType type = resolve(attribute.typeOid(), attribute.typmod(), types, 0);
      columns.get(attribute.table()).add(
          new Column(attribute.name(), type, !attribute.notNull(), attribute.sourceType()));
    }
    return columns;
  }

  /** The primary key columns of each table that has one, in key order. */
  static Map<Long, List<String>> primaryKeys(Connection connection, Collection<Long> tableOids) throws SQLException {
    String sql = """
        SELECT i.indrelid, a.attname
        FROM pg_catalog.pg_index i
        CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indisprimary AND i.indrelid = ANY (?::oid[])
        ORDER BY i.indrelid, k.position
        """;
    Map<Long, List<String>> keys = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setArray(1, oidArray(connection, tableOids));
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          keys.computeIfAbsent(rows.getLong(1), oid -> new ArrayList<>()).add(rows.getString(2));
        }
      }
    }
    return keys;
  }

  private static Array oidArray(Connection connection, Collection<Long> oids) throws SQLException {
    return connection.createArrayOf("int8", oids.toArray());
  }

  private record TypeRow(
      long oid, String schema, String name, char typtype, long element, int length, long base, int baseTypmod) {}

  /** Loads the {@code pg_type} rows of {@code oids} and of every element and base type they lead to. */
  private static Map<Long, TypeRow> typeRows(Connection connection, Collection<Long> oids) throws SQLException {
    String sql = """
        SELECT t.oid, n.nspname, t.typname, t.typtype, t.typelem, t.typlen, t.typbasetype, t.typtypmod
        FROM pg_catalog.pg_type t
        JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE t.oid = ANY (?::oid[])
        """;
    Map<Long, TypeRow> rows = new HashMap<>();
    Set<Long> missing = new HashSet<>(oids);
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int round = 0; !missing.isEmpty() && round < MAX_TYPE_DEPTH; round++) {
        statement.setArray(1, oidArray(connection, missing));
        Set<Long> next = new HashSet<>();
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            String typtype = result.getString(4);
            TypeRow row = new TypeRow(result.getLong(1), result.getString(2), result.getString(3),
                typtype.isEmpty() ? 'b' : typtype.charAt(0), result.getLong(5), result.getInt(6), result.getLong(7),
                result.getInt(8));
            rows.put(row.oid(), row);
            for (long referenced : new long[] {row.element(), row.base()}) {
              if (referenced != 0 && !rows.containsKey(referenced)) {
                next.add(referenced);
              }
            }
          }
        }
        next.removeAll(rows.keySet());
        missing = next;
      }
    }
    return rows;
  }

  private static PostgresColumnType resolve(long oid, int typmod, Map<Long, TypeRow> rows, int depth) {
    TypeRow row = rows.get(oid);
    if (row == null || depth > MAX_TYPE_DEPTH) {
      // A type dropped under us; its text form still reads.
      return PostgresColumnType.scalar("oid " + oid, Kind.OTHER, typmod);
    }
    if (row.typtype() == 'd') {
      return resolve(row.base(), row.baseTypmod() >= 0 ? row.baseTypmod() : typmod, rows, depth + 1);
    }
    boolean array = row.element() != 0 && row.length() == -1;
    if (array) {
      PostgresColumnType element = resolve(row.element(), typmod, rows, depth + 1);
      if (element.kind() == Kind.ARRAY) {
        // An array of a domain over an array: too exotic to carry as nested lists; its text form still reads.
        return PostgresColumnType.scalar(row.name(), Kind.OTHER, typmod);
      }
      return PostgresColumnType.array(row.name(), element);
    }
    return PostgresColumnType.scalar(row.name(),
        PostgresTypeMapping.kindOf(row.schema(), row.name(), row.typtype(), false), typmod);
  }
}
