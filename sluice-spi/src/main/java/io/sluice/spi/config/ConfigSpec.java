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
}
