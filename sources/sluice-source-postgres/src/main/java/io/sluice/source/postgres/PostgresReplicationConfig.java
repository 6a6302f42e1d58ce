package io.sluice.source.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spi.ConfigException;
import java.util.regex.Pattern;

/**
 * The {@code replication} object of the source config: which slot and publication carry the changes of
 * {@code cdc} streams. Both are created when absent (given the rights); names are plain identifiers, so they go
 * into replication commands, which take no parameters, without any quoting question.
 *
 * @param slot the logical replication slot
 * @param publication the publication listing the streamed tables
 */
record PostgresReplicationConfig(String slot, String publication) {
  static final String DEFAULT_SLOT = "sluice";
  static final String DEFAULT_PUBLICATION = "sluice_publication";
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  static PostgresReplicationConfig from(JsonNode config) {
    JsonNode replication = config.path("replication");
    return new PostgresReplicationConfig(name(replication, "slot", DEFAULT_SLOT),
        name(replication, "publication", DEFAULT_PUBLICATION));
  }

  private static String name(JsonNode replication, String key, String fallback) {
    JsonNode value = replication.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    String name = value.asText();
    if (!NAME.matcher(name).matches()) {
      throw new ConfigException("replication." + key, "Invalid replication." + key + " '" + name + "': expected "
          + "lower-case letters, digits and underscores, starting with a letter or underscore, at most 63");
    }
    return name;
  }
}
