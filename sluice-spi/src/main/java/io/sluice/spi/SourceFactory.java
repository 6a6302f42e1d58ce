package io.sluice.spi;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spi.config.ConfigSpec;

/** Entry point of a source connector, found through {@link java.util.ServiceLoader}. */
public interface SourceFactory {
  /** The {@code "type"} value that selects this connector in a source config, e.g. {@code postgres}. */
  String type();

  /** The config keys this connector accepts; drives validation and {@code sluice spec}. */
  ConfigSpec spec();

  /**
   * Creates a source from a config that already passed validation against {@link #spec()}, with defaults
   * filled in and environment references resolved. Does not connect.
   *
   * @throws ConfigException for cross-field problems the spec cannot express
   */
  Source create(JsonNode config);
}
