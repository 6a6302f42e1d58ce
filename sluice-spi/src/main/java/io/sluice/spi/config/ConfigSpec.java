package io.sluice.spi.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys a connector's config accepts, besides {@code type} (which the engine reads to pick the
 * connector). The engine validates configs against it, fills defaults, resolves {@code ${ENV}} references,
 * rejects unknown keys and renders it as JSON Schema for {@code sluice spec}.
 */
public record ConfigSpec(String title, List<ConfigField> fields) {
  public ConfigSpec {
    Objects.requireNonNull(title, "title");
    fields = List.copyOf(fields);
  }

  public Optional<ConfigField> field(String name) {
    return fields.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /**
   * The value of top-level {@code key} in a config that passed validation against this spec, or the key's default
   * when it is absent or null, so that a connector's config record and this spec always agree on defaults.
   *
   * @throws io.sluice.spi.ConfigException when the key is absent and has no default (it is required)
   * @throws IllegalArgumentException when this spec has no such key (a bug in the connector)
   */
  public com.fasterxml.jackson.databind.JsonNode valueOf(com.fasterxml.jackson.databind.JsonNode config, String key) {
    com.fasterxml.jackson.databind.JsonNode value = config.get(key);
    if (value != null && !value.isNull()) {
      return value;
    }
    ConfigField field = field(key).orElseThrow(() -> new IllegalArgumentException(
        "Cannot read key '" + key + "': the " + title + " spec has no such key"));
    if (field.defaultValue() == null) {
      throw new io.sluice.spi.ConfigException(key, "Cannot configure the " + title + ": key '" + key
          + "' is required");
    }
    return field.defaultValue();
  }
}
