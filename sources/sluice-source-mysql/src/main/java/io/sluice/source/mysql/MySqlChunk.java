package io.sluice.source.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One key range of a snapshot: the rows whose first key column is at least {@code lower} (from the start when
 * null) and below {@code upper} (to the end when null). Without a column, the whole table. Ranges of one plan
 * cover every row once, because they use the server's own ordering of the column (its collation, for text).
 *
 * <p>Numeric bounds are written into the SQL as digits (comparing a number column with a string parameter would
 * compare as doubles and lose digits past 2^53); other bounds are bound parameters: text and temporal bounds as
 * strings, binary ones as bytes.
 *
 * @param column the first key column, or null for a whole-table read
 * @param kind {@code number}, {@code text} or {@code binary}
 * @param lower inclusive lower bound (base64 for binary), or null
 * @param upper exclusive upper bound (base64 for binary), or null
 */
record MySqlChunk(String column, String kind, String lower, String upper) {

  static MySqlChunk wholeTable() {
    return new MySqlChunk(null, "none", null, null);
  }

  String id() {
    if (column == null) {
      return "table";
    }
    return "key:" + (lower == null ? "-" : lower) + ".." + (upper == null ? "-" : upper);
  }

  /** {@code WHERE ...} for this range (empty for a whole table); {@link #bind} fills its parameters. */
  String where() {
    if (column == null || (lower == null && upper == null)) {
      return "";
    }
    String quoted = MySqlIdentifiers.quote(column);
    List<String> conditions = new ArrayList<>();
    if (lower != null) {
      conditions.add(quoted + " >= " + placeholder(lower));
    }
    if (upper != null) {
      conditions.add(quoted + " < " + placeholder(upper));
    }
    return " WHERE " + String.join(" AND ", conditions);
  }

  private String placeholder(String bound) {
    return kind.equals("number") ? new BigDecimal(bound).toPlainString() : "?";
  }

  void bind(PreparedStatement statement) throws SQLException {
    if (kind.equals("number")) {
      return;
    }
    int index = 1;
    for (String bound : new String[] {lower, upper}) {
      if (bound != null) {
        if (kind.equals("binary")) {
          statement.setBytes(index++, Base64.getDecoder().decode(bound));
        } else {
          statement.setString(index++, bound);
        }
      }
    }
  }

  ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("column", column);
    node.put("kind", kind);
    node.put("lower", lower);
    node.put("upper", upper);
    return node;
  }

  static MySqlChunk fromJson(JsonNode node) {
    return new MySqlChunk(text(node, "column"), node.path("kind").asText("none"), text(node, "lower"),
        text(node, "upper"));
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value.asText();
  }
}
