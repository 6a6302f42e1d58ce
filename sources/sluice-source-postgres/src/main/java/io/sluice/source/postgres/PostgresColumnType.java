package io.sluice.source.postgres;

/**
 * A column's PostgreSQL type as the connector reads it: domains resolved to their base type (with the domain's
 * type modifier), arrays with their resolved element type.
 *
 * @param name the resolved type's name, e.g. {@code numeric}, {@code _int4}, {@code citext}, for messages
 * @param kind how the connector reads values of the type
 * @param typmod the type modifier ({@code atttypmod}, or the domain's {@code typtypmod}); -1 when none. For an
 *     array it is the element's modifier, as in PostgreSQL.
 * @param element the element type of an {@link Kind#ARRAY}, else null
 */
record PostgresColumnType(String name, Kind kind, int typmod, PostgresColumnType element) {

  /** The families of PostgreSQL types the connector tells apart; everything else is {@link #OTHER}. */
  enum Kind {
    INT2, INT4, INT8, FLOAT4, FLOAT8, NUMERIC, MONEY, BOOL,
    /** {@code text}, {@code varchar}, {@code bpchar}, {@code name}, {@code citext}: binary form is the text. */
    TEXT,
    /** A user-defined enum: binary form is the label. */
    ENUM,
    DATE, TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ, UUID, BYTEA, JSON, JSONB,
    /** A one-dimensional array (by declaration; PostgreSQL does not enforce dimensions). */
    ARRAY,
    /** Any other type (interval, inet, bit, xml, ranges, composites, ...): read through its text rendering. */
    OTHER
  }

  static PostgresColumnType scalar(String name, Kind kind, int typmod) {
    if (kind == Kind.ARRAY) {
      throw new IllegalArgumentException("Cannot make array type " + name + " without an element type");
    }
    return new PostgresColumnType(name, kind, typmod, null);
  }

  static PostgresColumnType array(String name, PostgresColumnType element) {
    return new PostgresColumnType(name, Kind.ARRAY, element.typmod(), element);
  }
}
