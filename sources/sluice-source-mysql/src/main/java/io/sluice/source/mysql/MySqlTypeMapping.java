package io.sluice.source.mysql;

import io.sluice.spi.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How MySQL and MariaDB column types map to Sluice's logical types. Exact first: no value is ever rounded or
 * widened into a type that cannot hold it.
 *
 * <pre>
 * tinyint(1)                 boolean when tinyint1_as_boolean, else int
 * tinyint, smallint, mediumint (signed or unsigned), int   int
 * int unsigned, bigint        long
 * bigint unsigned             decimal(20,0)
 * decimal(p,s), p &lt;= 38       decimal(p,s)         wider: string (the exact digits)
 * float / double              float / double
 * bit(1) / bit(n)             boolean / long (the bits, big-endian)
 * char, varchar, *text        string (decoded from the column's charset)
 * json (MariaDB: longtext with json_valid)    json
 * enum, set                   string (set members comma-separated)
 * binary, varbinary, *blob, geometry types    binary
 * date / datetime(fsp)        date / timestamp
 * timestamp(fsp)              timestamp_tz (an instant: read in UTC whatever the server's time zone)
 * time(fsp)                   long: signed microseconds, because MySQL's time is a duration (-838:59:59..838:59:59)
 * year                        int
 * anything else (uuid, inet6, vector...)   string as the server renders it
 * </pre>
 *
 * Zero and partly-zero dates ({@code 0000-00-00}, {@code 2024-00-10}), which MySQL accepts in lenient SQL modes, are
 * read as NULL: no calendar holds them.
 */
final class MySqlTypeMapping {
  private MySqlTypeMapping() {}

  static DataType dataType(String dataType, String columnType, int precision, int scale, boolean json,
      boolean tinyint1AsBoolean) {
    String type = dataType.toLowerCase(Locale.ROOT);
    boolean unsigned = columnType.toLowerCase(Locale.ROOT).contains("unsigned");
    if (json) {
      return DataType.JSON;
    }
    return switch (type) {
      case "tinyint" -> tinyint1AsBoolean && columnType.toLowerCase(Locale.ROOT).startsWith("tinyint(1)")
          ? DataType.BOOLEAN : DataType.INT;
      case "smallint", "mediumint" -> DataType.INT;
      case "int", "integer" -> unsigned ? DataType.LONG : DataType.INT;
      case "bigint" -> unsigned ? DataType.decimal(20, 0) : DataType.LONG;
      case "decimal", "numeric" -> precision <= DataType.MAX_DECIMAL_PRECISION
          ? DataType.decimal(Math.max(precision, 1), scale) : DataType.STRING;
      case "float" -> DataType.FLOAT;
      case "double", "real" -> DataType.DOUBLE;
      case "bit" -> precision == 1 ? DataType.BOOLEAN : DataType.LONG;
      case "json" -> DataType.JSON;
      case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry", "point", "linestring",
          "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection" -> DataType.BINARY;
      case "date" -> DataType.DATE;
      case "datetime" -> DataType.TIMESTAMP;
      case "timestamp" -> DataType.TIMESTAMP_TZ;
      case "time" -> DataType.LONG;
      case "year" -> DataType.INT;
      default -> DataType.STRING;
    };
  }

  /** The quoted members of {@code enum('a','b')} or {@code set('x','y')}, unquoted; empty for other types. */
  static List<String> members(String columnType) {
    int open = columnType.indexOf('(');
    String lower = columnType.toLowerCase(Locale.ROOT);
    if (open < 0 || !(lower.startsWith("enum(") || lower.startsWith("set("))) {
      return List.of();
    }
    List<String> members = new ArrayList<>();
    StringBuilder current = null;
    for (int i = open + 1; i < columnType.length(); i++) {
      char c = columnType.charAt(i);
      if (current == null) {
        if (c == '\'') {
          current = new StringBuilder();
        }
      } else if (c == '\'' && i + 1 < columnType.length() && columnType.charAt(i + 1) == '\'') {
        current.append('\'');
        i++;
      } else if (c == '\\' && i + 1 < columnType.length()) {
        current.append(columnType.charAt(++i));
      } else if (c == '\'') {
        members.add(current.toString());
        current = null;
      } else {
        current.append(c);
      }
    }
    return members;
  }
}
