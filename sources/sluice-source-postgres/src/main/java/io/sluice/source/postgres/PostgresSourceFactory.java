package io.sluice.source.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spi.Source;
import io.sluice.spi.SourceFactory;
import io.sluice.spi.config.ConfigSpec;

/**
 * The PostgreSQL source connector ({@code "type": "postgres"}): discovers the tables of the configured schemas
 * and reads full-refresh snapshots in parallel chunks with binary {@code COPY}, and incremental pages by (cursor,
 * key). See the module's README for the config keys, the type mapping, the chunking and the cursor reads.
 */
public final class PostgresSourceFactory implements SourceFactory {
  @Override
  public String type() {
    return "postgres";
  }

  @Override
  public ConfigSpec spec() {
    return PostgresConfig.SPEC;
  }

  /** Does not connect. */
  @Override
  public Source create(JsonNode config) {
    return new PostgresSource(PostgresConfig.from(config), PostgresReplicationConfig.from(config));
  }
}
