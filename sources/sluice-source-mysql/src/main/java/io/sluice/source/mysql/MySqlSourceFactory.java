package io.sluice.source.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spi.Source;
import io.sluice.spi.SourceFactory;
import io.sluice.spi.config.ConfigSpec;

/**
 * The MySQL and MariaDB source connector ({@code "type": "mysql"}): discovers the tables of the configured
 * databases, reads full-refresh snapshots in parallel primary-key chunks without global locks, incremental pages by
 * (cursor, key), and the binary log for cdc streams. See the module's README for the config keys, the type mapping
 * and the server settings cdc needs.
 */
public final class MySqlSourceFactory implements SourceFactory {
  @Override
  public String type() {
    return "mysql";
  }

  @Override
  public ConfigSpec spec() {
    return MySqlConfig.SPEC;
  }

  /** Does not connect. */
  @Override
  public Source create(JsonNode config) {
    return new MySqlSource(MySqlConfig.from(config));
  }
}
