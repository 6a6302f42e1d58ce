package io.sluice.engine.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.ConfigException;
import io.sluice.spi.CursorPosition;
import io.sluice.spi.DataType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Writes cursor and key values to JSON and back without losing anything: integers as JSON numbers, decimals
 * as plain strings, temporal values as ISO-8601 text with every fractional digit, binary as base64. A value
 * read back equals the value written.
 */
public final class CursorCodec {
  private CursorCodec() {}

  /** Whether a column of this type can serve as a cursor. */
  public static boolean usableAsCursor(DataType type) {
    return switch (type.kind()) {
      case INT, LONG, DECIMAL, STRING, DATE, TIMESTAMP, TIMESTAMP_TZ -> true;
      default -> false;
    };
  }

  public static JsonNode encodeValue(Object value, DataType type) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    return switch (type.kind()) {
      case INT -> json.numberNode((Integer) value);
      case LONG -> json.numberNode((Long) value);
      case DECIMAL -> json.textNode(((BigDecimal) value).toPlainString());
      case STRING, JSON -> json.textNode((String) value);
      case UUID -> json.textNode(value.toString());
      case DATE, TIMESTAMP, TIMESTAMP_TZ -> json.textNode(value.toString());
      case BOOLEAN -> json.booleanNode((Boolean) value);
      case BINARY -> json.textNode(Base64.getEncoder().encodeToString((byte[]) value));
      default -> throw new ConfigException("", "Cannot keep a " + type + " value as a cursor or key position");
    };
  }

  /** @throws IllegalArgumentException when the JSON does not hold a value of that type */
  public static Object decodeValue(JsonNode node, DataType type) {
    try {
      return switch (type.kind()) {
        case INT -> requireIntegral(node).intValue();
        case LONG -> requireIntegral(node).longValue();
        case DECIMAL -> new BigDecimal(node.textValue()).setScale(type.scale());
        case STRING, JSON -> requireText(node);
        case UUID -> UUID.fromString(requireText(node));
        case DATE -> LocalDate.parse(requireText(node));
        case TIMESTAMP -> LocalDateTime.parse(requireText(node));
        case TIMESTAMP_TZ -> OffsetDateTime.parse(requireText(node));
        case BOOLEAN -> {
          if (!node.isBoolean()) {
            throw new IllegalArgumentException("expected true or false");
          }
          yield node.booleanValue();
        }
        case BINARY -> Base64.getDecoder().decode(requireText(node));
        default -> throw new IllegalArgumentException("a " + type + " value cannot be a position");
      };
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException("'" + node + "' is not a " + type + " value");
    }
  }

  private static JsonNode requireIntegral(JsonNode node) {
    if (!node.isIntegralNumber()) {
      throw new IllegalArgumentException("'" + node + "' is not an integer");
    }
    return node;
  }

  private static String requireText(JsonNode node) {
    if (!node.isTextual()) {
      throw new IllegalArgumentException("'" + node + "' is not a string");
    }
    return node.textValue();
  }

  /** {@code {"cursor": ..., "key": [...]}}. */
  public static ObjectNode encode(CursorPosition position, DataType cursorType, List<DataType> keyTypes) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.set("cursor", encodeValue(position.cursor(), cursorType));
    ArrayNode key = node.putArray("key");
    for (int i = 0; i < position.key().size(); i++) {
      key.add(encodeValue(position.key().get(i), keyTypes.get(i)));
    }
    return node;
  }

  /** @throws IllegalArgumentException when the JSON does not fit the cursor and key types */
  public static CursorPosition decode(JsonNode node, DataType cursorType, List<DataType> keyTypes) {
    JsonNode cursor = node.get("cursor");
    JsonNode key = node.get("key");
    if (cursor == null || key == null || !key.isArray()) {
      throw new IllegalArgumentException("expected {\"cursor\": ..., \"key\": [...]}");
    }
    if (key.size() != 0 && key.size() != keyTypes.size()) {
      throw new IllegalArgumentException("the key has " + key.size() + " values, the stream's key has "
          + keyTypes.size() + " columns");
    }
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      values.add(decodeValue(key.get(i), keyTypes.get(i)));
    }
    return new CursorPosition(decodeValue(cursor, cursorType), values);
  }
}
