package io.sluice.source.postgres;

import io.sluice.source.postgres.PostgresColumnType.Kind;
import io.sluice.spi.DataType;

/**
 * The one mapping from PostgreSQL types to Sluice {@link DataType}s.
 *
 * <table>
 *   <caption>Types</caption>
 *   <tr><th>PostgreSQL</th><th>DataType</th><th>read as</th></tr>
 *   <tr><td>{@code int2}, {@code int4}</td><td>int</td><td>binary</td></tr>
 *   <tr><td>{@code int8}</td><td>long</td><td>binary</td></tr>
 *   <tr><td>{@code float4} / {@code float8}</td><td>float / double</td><td>binary; NaN, ±Infinity, -0.0 kept</td></tr>
 *   <tr><td>{@code numeric(p,s)}, 1 ≤ p ≤ 38, 0 ≤ s ≤ p</td><td>decimal(p,s)</td><td>binary</td></tr>
 *   <tr><td>{@code numeric} unconstrained, p &gt; 38, or a negative scale or s &gt; p (PostgreSQL 15+)</td>
 *       <td>string</td><td>binary, rendered as plain decimal text (never an exponent), exactly as PostgreSQL
 *       prints it; {@code NaN}, {@code Infinity}, {@code -Infinity} as words</td></tr>
 *   <tr><td>{@code money}</td><td>decimal(19,2)</td><td>{@code ::numeric}: the amount without currency symbol or
 *       grouping (a server whose {@code lc_monetary} has more than 2 fraction digits fails the read with a message
 *       rather than round)</td></tr>
 *   <tr><td>{@code bool}</td><td>boolean</td><td>binary</td></tr>
 *   <tr><td>{@code text}, {@code varchar}, {@code bpchar} (padded), {@code name}, {@code citext}</td><td>string</td>
 *       <td>binary (UTF-8)</td></tr>
 *   <tr><td>enums</td><td>string</td><td>binary: the label</td></tr>
 *   <tr><td>{@code date}</td><td>date</td><td>binary</td></tr>
 *   <tr><td>{@code time} / {@code timetz}</td><td>time / time_tz</td><td>binary</td></tr>
 *   <tr><td>{@code timestamp} / {@code timestamptz}</td><td>timestamp / timestamp_tz (UTC)</td><td>binary</td></tr>
 *   <tr><td>{@code uuid}</td><td>uuid</td><td>binary</td></tr>
 *   <tr><td>{@code bytea}</td><td>binary</td><td>binary</td></tr>
 *   <tr><td>{@code json} / {@code jsonb}</td><td>json</td><td>binary: the text as PostgreSQL renders it
 *       ({@code jsonb} normalised by the server)</td></tr>
 *   <tr><td>arrays of any of these</td><td>list&lt;element&gt;</td><td>binary; NULL elements kept</td></tr>
 *   <tr><td>domains</td><td>as their base type (with the domain's modifier)</td><td>as the base type</td></tr>
 *   <tr><td>anything else: {@code interval}, {@code inet}, {@code cidr}, {@code macaddr}, {@code bit},
 *       {@code varbit}, {@code xml}, {@code tsvector}, geometric types, ranges, {@code hstore}, composites,
 *       {@code "char"}, {@code oid}, ... (and arrays of them)</td><td>string (list&lt;string&gt;)</td>
 *       <td>{@code ::text} ({@code ::text[]}): PostgreSQL's own text rendering</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Special values</caption>
 *   <tr><th>value</th><th>carried as</th><th>why</th></tr>
 *   <tr><td>{@code timestamp}/{@code timestamptz} {@code infinity}</td><td>9999-12-31T23:59:59.999999 (UTC)</td>
 *       <td rowspan="4">Iceberg and Parquet have no infinity. Clamping keeps NOT NULL columns valid, keeps the
 *       order ({@code valid_to > now()} still holds for an open-ended row) and stays inside the year range every
 *       engine accepts; NULL would be indistinguishable from a real NULL.</td></tr>
 *   <tr><td>{@code timestamp}/{@code timestamptz} {@code -infinity}</td><td>0001-01-01T00:00:00 (UTC)</td></tr>
 *   <tr><td>{@code date} {@code infinity}</td><td>9999-12-31</td></tr>
 *   <tr><td>{@code date} {@code -infinity}</td><td>0001-01-01</td></tr>
 *   <tr><td>{@code time}/{@code timetz} {@code 24:00:00}</td><td>23:59:59.999999</td>
 *       <td>{@link java.time.LocalTime} ends one microsecond before midnight.</td></tr>
 *   <tr><td>{@code numeric} {@code NaN} in a decimal column</td><td>NULL, with one WARN per chunk counting
 *       them</td><td>a decimal cannot hold NaN, and failing a whole load over it helps nobody; constrained
 *       numerics cannot hold ±Infinity at all.</td></tr>
 *   <tr><td>{@code numeric} {@code NaN}/{@code ±Infinity} in a string column</td><td>{@code NaN},
 *       {@code Infinity}, {@code -Infinity}</td><td>as PostgreSQL prints them</td></tr>
 *   <tr><td>{@code float4}/{@code float8} {@code NaN}, {@code ±Infinity}, {@code -0}</td><td>as such</td>
 *       <td>float and double carry them</td></tr>
 *   <tr><td>dates and timestamps BC or after 9999</td><td>as such (proleptic Gregorian, like PostgreSQL)</td>
 *       <td>only the infinities are clamped</td></tr>
 *   <tr><td>an array value with more than one dimension</td><td>its elements flattened in storage (row-major)
 *       order, with one WARN per chunk counting them</td><td>PostgreSQL does not enforce an array column's
 *       declared dimensions; lower bounds other than 1 are dropped likewise (positions start at 0 in the
 *       list)</td></tr>
 * </table>
 */
final class PostgresTypeMapping {
  /** The precision of {@code money}: a 64-bit count of cents has at most 19 digits. */
  static final DataType MONEY = DataType.decimal(19, 2);

  private PostgresTypeMapping() {}

  /**
   * Classifies a type from {@code pg_type}.
   *
   * @param schema the type's schema ({@code pg_catalog} for built-ins)
   * @param name {@code typname}
   * @param typtype {@code typtype}: {@code b} base, {@code e} enum, {@code c} composite, {@code r} range, ...
   * @param array whether the type is a true array (an element type and variable length)
   */
  static Kind kindOf(String schema, String name, char typtype, boolean array) {
    if (array) {
      return Kind.ARRAY;
    }
    if (typtype == 'e') {
      return Kind.ENUM;
    }
    if (typtype == 'b' && name.equals("citext")) {
      // An extension type, so it lives in whichever schema the extension was installed into.
      return Kind.TEXT;
    }
    if (!schema.equals("pg_catalog")) {
      return Kind.OTHER;
    }
    return switch (name) {
      case "int2" -> Kind.INT2;
      case "int4" -> Kind.INT4;
      case "int8" -> Kind.INT8;
      case "float4" -> Kind.FLOAT4;
      case "float8" -> Kind.FLOAT8;
      case "numeric" -> Kind.NUMERIC;
      case "money" -> Kind.MONEY;
      case "bool" -> Kind.BOOL;
      case "text", "varchar", "bpchar", "name" -> Kind.TEXT;
      case "date" -> Kind.DATE;
      case "time" -> Kind.TIME;
      case "timetz" -> Kind.TIMETZ;
      case "timestamp" -> Kind.TIMESTAMP;
      case "timestamptz" -> Kind.TIMESTAMPTZ;
      case "uuid" -> Kind.UUID;
      case "bytea" -> Kind.BYTEA;
      case "json" -> Kind.JSON;
      case "jsonb" -> Kind.JSONB;
      default -> Kind.OTHER;
    };
  }

  /** The logical type values of {@code type} are carried in. */
  static DataType dataType(PostgresColumnType type) {
    return switch (type.kind()) {
      case INT2, INT4 -> DataType.INT;
      case INT8 -> DataType.LONG;
      case FLOAT4 -> DataType.FLOAT;
      case FLOAT8 -> DataType.DOUBLE;
      case NUMERIC -> isDecimal(type.typmod())
          ? DataType.decimal(numericPrecision(type.typmod()), numericScale(type.typmod()))
          : DataType.STRING;
      case MONEY -> MONEY;
      case BOOL -> DataType.BOOLEAN;
      case TEXT, ENUM, OTHER -> DataType.STRING;
      case DATE -> DataType.DATE;
      case TIME -> DataType.TIME;
      case TIMETZ -> DataType.TIME_TZ;
      case TIMESTAMP -> DataType.TIMESTAMP;
      case TIMESTAMPTZ -> DataType.TIMESTAMP_TZ;
      case UUID -> DataType.UUID;
      case BYTEA -> DataType.BINARY;
      case JSON, JSONB -> DataType.JSON;
      case ARRAY -> DataType.list(dataType(type.element()));
    };
  }

  /** Whether a {@code numeric} with this modifier fits a Sluice decimal. */
  static boolean isDecimal(int numericTypmod) {
    if (numericTypmod < 0) {
      return false;
    }
    int precision = numericPrecision(numericTypmod);
    int scale = numericScale(numericTypmod);
    return precision >= 1 && precision <= DataType.MAX_DECIMAL_PRECISION && scale >= 0 && scale <= precision;
  }

  /** The precision of {@code numeric(p,s)} from its modifier ({@code ((p << 16) | s) + 4}). */
  static int numericPrecision(int numericTypmod) {
    return ((numericTypmod - 4) >> 16) & 0xffff;
  }

  /** The scale, which PostgreSQL 15+ stores as an 11-bit signed number (it may be negative). */
  static int numericScale(int numericTypmod) {
    return (((numericTypmod - 4) & 0x7ff) ^ 1024) - 1024;
  }
}
