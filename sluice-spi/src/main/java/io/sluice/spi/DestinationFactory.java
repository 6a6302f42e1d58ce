package io.sluice.spi;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spi.config.ConfigSpec;

/** Entry point of a destination connector, found through {@link java.util.ServiceLoader}. */
public interface DestinationFactory {
  /** The {@code "type"} value that selects this connector in a destination config, e.g. {@code iceberg}. */
  String type();

  /** The config keys this connector accepts; drives validation and {@code sluice spec}. */
  ConfigSpec spec();

  /**
   * Creates a destination from a validated config (defaults filled, environment references resolved).
   *
   * @throws ConfigException for cross-field problems the spec cannot express
   */
  Destination create(JsonNode config);
}
