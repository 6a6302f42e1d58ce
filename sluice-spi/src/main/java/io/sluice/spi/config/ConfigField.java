package io.sluice.spi.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Objects;

/**
 * One config key. Built with the static factories and the {@code with}-style methods, which return new
 * instances:
 *
 * <pre>{@code ConfigField.string("host").describe("Server host name").markRequired()}</pre>
 *
 * @param name the snake_case key
 * @param type the JSON type the value must have
 * @param required whether the key must be present (a key with a default is never required)
 * @param defaultValue the value used when the key is absent, or null
 * @param description one sentence for {@code sluice spec} and the docs
 * @param minimum inclusive lower bound for numbers, or null
 * @param maximum inclusive upper bound for numbers, or null
 * @param allowedValues the only accepted strings, or empty for any
 * @param secret whether the value must never be shown (passwords, keys)
 * @param itemType element type of an {@link FieldType#ARRAY}, or null
 * @param properties keys of an {@link FieldType#OBJECT}; unknown keys are rejected
 */
public record ConfigField(
    String name,
    FieldType type,
    boolean required,
    JsonNode defaultValue,
    String description,
    Long minimum,
    Long maximum,
    List<String> allowedValues,
    boolean secret,
    FieldType itemType,
    List<ConfigField> properties) {

  public ConfigField {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    description = description == null ? "" : description;
    allowedValues = List.copyOf(allowedValues);
    properties = List.copyOf(properties);
  }

  private static ConfigField of(String name, FieldType type) {
    return new ConfigField(name, type, false, null, "", null, null, List.of(), false, null, List.of());
  }

  public static ConfigField string(String name) {
    return of(name, FieldType.STRING);
  }

  public static ConfigField integer(String name) {
    return of(name, FieldType.INTEGER);
  }

  public static ConfigField number(String name) {
    return of(name, FieldType.NUMBER);
  }

  public static ConfigField bool(String name) {
    return of(name, FieldType.BOOLEAN);
  }

  public static ConfigField array(String name, FieldType itemType) {
    return new ConfigField(name, FieldType.ARRAY, false, null, "", null, null, List.of(), false, itemType, List.of());
  }

  public static ConfigField object(String name, List<ConfigField> properties) {
    return new ConfigField(name, FieldType.OBJECT, false, null, "", null, null, List.of(), false, null, properties);
  }

  public ConfigField describe(String text) {
    return new ConfigField(name, type, required, defaultValue, text, minimum, maximum, allowedValues, secret,
        itemType, properties);
  }

  public ConfigField markRequired() {
    return new ConfigField(name, type, true, defaultValue, description, minimum, maximum, allowedValues, secret,
        itemType, properties);
  }

  public ConfigField defaultsTo(JsonNode value) {
    return new ConfigField(name, type, false, value, description, minimum, maximum, allowedValues, secret,
        itemType, properties);
  }

  public ConfigField defaultsTo(String value) {
    return defaultsTo(JsonNodeFactory.instance.textNode(value));
  }

  public ConfigField defaultsTo(long value) {
    return defaultsTo(JsonNodeFactory.instance.numberNode(value));
  }

  public ConfigField defaultsTo(boolean value) {
    return defaultsTo(JsonNodeFactory.instance.booleanNode(value));
  }

  public ConfigField range(long min, long max) {
    return new ConfigField(name, type, required, defaultValue, description, min, max, allowedValues, secret,
        itemType, properties);
  }

  public ConfigField oneOf(String... values) {
    return new ConfigField(name, type, required, defaultValue, description, minimum, maximum, List.of(values),
        secret, itemType, properties);
  }

  public ConfigField markSecret() {
    return new ConfigField(name, type, required, defaultValue, description, minimum, maximum, allowedValues, true,
        itemType, properties);
  }
}
