package io.sluice.source.mysql;

import io.sluice.spi.DataType;
import java.util.List;

/**
 * A column as MySQL describes it in {@code information_schema.COLUMNS}, with what reading its values needs.
 *
 * @param name the column name
 * @param dataType the bare type name, lower case ({@code int}, {@code varchar}, {@code datetime})
 * @param columnType the full type ({@code int(10) unsigned}, {@code enum('a','b')}, {@code decimal(12,2)})
 * @param precision numeric precision, or bit width for {@code bit}; 0 when not numeric
 * @param scale numeric scale; 0 when not numeric
 * @param charset the column's character set for text types ({@code utf8mb4}, {@code latin1}); null otherwise
 * @param nullable whether the column allows NULL
 * @param json whether the column holds JSON (MySQL's {@code json} type, or MariaDB's {@code longtext} with a
 *     {@code json_valid} check)
 * @param type the logical type its values are carried in
 */
record MySqlColumn(String name, String dataType, String columnType, int precision, int scale, String charset,
    boolean nullable, boolean json, DataType type) {

  boolean unsigned() {
    return columnType.contains("unsigned");
  }

  /** The members of an {@code enum} or {@code set}, in declaration order (binlog values index into them). */
  List<String> members() {
    return MySqlTypeMapping.members(columnType);
  }

  /** The source type as shown to users: the full column type, with {@code json} for MariaDB's JSON text. */
  String sourceType() {
    return json && !dataType.equals("json") ? "json (" + columnType + ")" : columnType;
  }
}
