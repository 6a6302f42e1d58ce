package io.sluice.engine.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.ConfigException;
import io.sluice.spi.config.ConfigField;
import io.sluice.spi.config.ConfigSpec;
import io.sluice.spi.config.FieldType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Validates a connector config against its {@link ConfigSpec} and returns the effective config: defaults
 * filled in, {@code ${NAME}} environment references resolved. Reports every problem at once, in one line.
 * Has no side effects besides remembering secret values in the {@link SecretRegistry}.
 */
public final class ConfigValidator {
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  private final UnaryOperator<String> environment;
  private final SecretRegistry secrets;

  /**
   * @param environment looks up an environment variable, returning null when unset ({@code System::getenv})
   * @param secrets where resolved secret values are remembered for redaction
   */
  public ConfigValidator(UnaryOperator<String> environment, SecretRegistry secrets) {
    this.environment = environment;
    this.secrets = secrets;
  }

  /**
   * @param config the parsed file
   * @param spec the connector's spec
   * @param origin the file name, for messages
   * @param reservedKeys top-level keys the engine itself reads (e.g. {@code type}), accepted and kept as-is
   * @throws ConfigException listing every problem, naming the file and each key
   */
  public ObjectNode validate(JsonNode config, ConfigSpec spec, String origin, List<String> reservedKeys) {
    List<Problem> problems = new ArrayList<>();
    ObjectNode result = validateObject(config, spec.fields(), "", reservedKeys, problems);
    if (!problems.isEmpty()) {
      String joined = problems.stream().map(Problem::text).collect(Collectors.joining("; "));
      throw new ConfigException(problems.get(0).key(), "Invalid " + origin + ": " + joined);
    }
    return result;
  }

  private record Problem(String key, String text) {}

  private ObjectNode validateObject(
      JsonNode node, List<ConfigField> fields, String prefix, List<String> reservedKeys, List<Problem> problems) {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    List<String> known = new ArrayList<>(reservedKeys);
    fields.forEach(f -> known.add(f.name()));
    Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      String name = entry.getKey();
      if (reservedKeys.contains(name)) {
        result.set(name, entry.getValue());
      } else if (fields.stream().noneMatch(f -> f.name().equals(name))) {
        String hint = Suggestions.suggest(name, known).map(s -> " (did you mean '" + s + "'?)").orElse("");
        problems.add(new Problem(prefix + name, "key '" + prefix + name + "' is unknown" + hint
            + ", expected one of " + String.join(", ", known)));
      }
    }
    for (ConfigField field : fields) {
      String key = prefix + field.name();
      JsonNode value = node.get(field.name());
      if (value == null || value.isNull()) {
        if (field.defaultValue() != null) {
          result.set(field.name(), field.defaultValue().deepCopy());
        } else if (field.required()) {
          problems.add(new Problem(key, "key '" + key + "' is missing, expected " + expected(field)
              + (field.description().isEmpty() ? "" : " (" + field.description() + ")")));
        } else if (field.type() == FieldType.OBJECT) {
          ObjectNode nested = validateObject(JsonNodeFactory.instance.objectNode(), field.properties(), key + ".",
              List.of(), problems);
          if (nested.size() > 0) {
            result.set(field.name(), nested);
          }
        }
        continue;
      }
      JsonNode checked = validateValue(value, field, field.type(), key, problems);
      if (checked != null) {
        result.set(field.name(), checked);
      }
    }
    return result;
  }

  private JsonNode validateValue(
      JsonNode raw, ConfigField field, FieldType type, String key, List<Problem> problems) {
    JsonNode value = raw.isTextual() ? resolveEnvironment(raw.asText(), key, field, problems) : raw;
    if (value == null) {
      return null;
    }
    switch (type) {
      case STRING -> {
        if (!value.isTextual()) {
          return mismatch(field, key, "a string", value, problems);
        }
        if (!field.allowedValues().isEmpty() && !field.allowedValues().contains(value.asText())) {
          String hint = Suggestions.suggest(value.asText(), field.allowedValues())
              .map(s -> " (did you mean '" + s + "'?)").orElse("");
          problems.add(new Problem(key, "key '" + key + "' is '" + value.asText() + "'" + hint
              + ", expected one of " + String.join(", ", field.allowedValues())));
          return null;
        }
        if (field.secret()) {
          secrets.add(value.asText());
        }
        return value;
      }
      case INTEGER -> {
        JsonNode number = value.isTextual() && raw.isTextual() && !raw.asText().equals(value.asText())
            ? parseInteger(value.asText()) : value;
        if (number == null || !number.isIntegralNumber() || !number.canConvertToLong()) {
          return mismatch(field, key, "an integer" + rangeText(field), value, problems);
        }
        return checkRange(number, field, key, problems);
      }
      case NUMBER -> {
        if (!value.isNumber()) {
          return mismatch(field, key, "a number" + rangeText(field), value, problems);
        }
        return checkRange(value, field, key, problems);
      }
      case BOOLEAN -> {
        if (!value.isBoolean()) {
          return mismatch(field, key, "true or false", value, problems);
        }
        return value;
      }
      case ARRAY -> {
        if (!value.isArray()) {
          return mismatch(field, key, "an array", value, problems);
        }
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < value.size(); i++) {
          FieldType itemType = field.itemType() == null ? FieldType.STRING : field.itemType();
          JsonNode item = validateValue(value.get(i), field, itemType, key + "[" + i + "]", problems);
          if (item != null) {
            items.add(item);
          }
        }
        return items;
      }
      case OBJECT -> {
        if (!value.isObject()) {
          return mismatch(field, key, "an object", value, problems);
        }
        return validateObject(value, field.properties(), key + ".", List.of(), problems);
      }
      default -> throw new IllegalStateException("unhandled field type " + type);
    }
  }

  private JsonNode resolveEnvironment(String text, String key, ConfigField field, List<Problem> problems) {
    Matcher matcher = ENV_REFERENCE.matcher(text);
    StringBuilder resolved = new StringBuilder();
    boolean missing = false;
    while (matcher.find()) {
      String variable = matcher.group(1);
      String replacement = environment.apply(variable);
      if (replacement == null) {
        problems.add(new Problem(key, "key '" + key + "' references environment variable " + variable
            + ", which is not set"));
        missing = true;
        replacement = "";
      }
      matcher.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(resolved);
    return missing ? null : JsonNodeFactory.instance.textNode(resolved.toString());
  }

  private static JsonNode parseInteger(String text) {
    try {
      return JsonNodeFactory.instance.numberNode(Long.parseLong(text.trim()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static JsonNode checkRange(JsonNode number, ConfigField field, String key, List<Problem> problems) {
    double v = number.asDouble();
    if ((field.minimum() != null && v < field.minimum()) || (field.maximum() != null && v > field.maximum())) {
      problems.add(new Problem(key, "key '" + key + "' is " + number + ", expected " + describeType(field.type())
          + rangeText(field)));
      return null;
    }
    return number;
  }

  private static JsonNode mismatch(
      ConfigField field, String key, String expected, JsonNode value, List<Problem> problems) {
    String shown = field.secret() ? "a " + kind(value) : kind(value) + " " + abbreviate(value.toString());
    problems.add(new Problem(key, "key '" + key + "' is " + shown + ", expected " + expected));
    return null;
  }

  private static String kind(JsonNode value) {
    return switch (value.getNodeType()) {
      case STRING -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      case ARRAY -> "array";
      case OBJECT -> "object";
      default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String abbreviate(String text) {
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }

  private static String expected(ConfigField field) {
    if (!field.allowedValues().isEmpty()) {
      return "one of " + String.join(", ", field.allowedValues());
    }
    return describeType(field.type()) + rangeText(field);
  }

  private static String describeType(FieldType type) {
    return switch (type) {
      case STRING -> "a string";
      case INTEGER -> "an integer";
      case NUMBER -> "a number";
      case BOOLEAN -> "true or false";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
    };
  }

  private static String rangeText(ConfigField field) {
    if (field.minimum() != null && field.maximum() != null) {
      return " in " + field.minimum() + ".." + field.maximum();
    }
    if (field.minimum() != null) {
      return " >= " + field.minimum();
    }
    if (field.maximum() != null) {
      return " <= " + field.maximum();
    }
    return "";
  }
}
