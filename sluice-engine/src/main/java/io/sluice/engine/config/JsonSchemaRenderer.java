package io.sluice.engine.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.config.ConfigField;
import io.sluice.spi.config.ConfigSpec;
import io.sluice.spi.config.FieldType;
import java.util.List;
import java.util.Locale;

/** Renders a {@link ConfigSpec} as JSON Schema (draft 2020-12) for {@code sluice spec}. */
public final class JsonSchemaRenderer {
  private JsonSchemaRenderer() {}

  /** @param type the connector type, pinned as a required {@code type} property */
  public static ObjectNode render(String type, ConfigSpec spec) {
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.put("title", spec.title());
    ObjectNode typeProperty = JsonNodeFactory.instance.objectNode();
    typeProperty.put("const", type);
    typeProperty.put("description", "Selects the connector.");
    ObjectNode body = objectSchema(spec.fields());
    ((ObjectNode) body.get("properties")).set("type", typeProperty);
    ((ArrayNode) body.get("required")).insert(0, "type");
    schema.setAll(body);
    return schema;
  }

  private static ObjectNode objectSchema(List<ConfigField> fields) {
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    schema.put("type", "object");
    schema.put("additionalProperties", false);
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = schema.putArray("required");
    for (ConfigField field : fields) {
      properties.set(field.name(), fieldSchema(field, field.type()));
      if (field.required()) {
        required.add(field.name());
      }
    }
    return schema;
  }

  private static ObjectNode fieldSchema(ConfigField field, FieldType type) {
    ObjectNode schema = type == FieldType.OBJECT
        ? objectSchema(field.properties()) : JsonNodeFactory.instance.objectNode();
    if (type != FieldType.OBJECT) {
      schema.put("type", type.name().toLowerCase(Locale.ROOT));
    }
    if (!field.description().isEmpty()) {
      schema.put("description", field.description());
    }
    if (field.defaultValue() != null) {
      schema.set("default", field.defaultValue());
    }
    if (field.minimum() != null) {
      schema.put("minimum", field.minimum());
    }
    if (field.maximum() != null) {
      schema.put("maximum", field.maximum());
    }
    if (!field.allowedValues().isEmpty()) {
      ArrayNode values = schema.putArray("enum");
      field.allowedValues().forEach(values::add);
    }
    if (field.secret()) {
      schema.put("writeOnly", true);
      schema.put("x-secret", true);
    }
    if (type == FieldType.ARRAY) {
      ObjectNode items = schema.putObject("items");
      items.put("type", (field.itemType() == null ? FieldType.STRING : field.itemType()).name().toLowerCase(Locale.ROOT));
    }
    return schema;
  }
}
