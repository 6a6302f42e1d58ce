package io.sluice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.ConfigValidator;
import io.sluice.engine.config.SecretRegistry;
import io.sluice.engine.connector.ConnectorRegistry;
import io.sluice.spi.Destination;
import io.sluice.spi.Source;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What every benchmark sets up the way {@code sluice sync} does: connectors created from JSON configs through the
 * engine's registry (so defaults and validation are the product's), a local Iceberg warehouse, and one stream
 * of a discovered table with all its columns.
 */
final class BenchConnectors {
  private final ConnectorRegistry registry =
      new ConnectorRegistry(new ConfigValidator(System::getenv, new SecretRegistry()));

  Source source(ObjectNode config) {
    return registry.createSource(config, "bench source");
  }

  /** An Iceberg destination writing a local warehouse at {@code warehouse} (SQLite catalog, the defaults). */
  Destination icebergWarehouse(Path warehouse) {
    return registry.createDestination(JsonNodeFactory.instance.objectNode()
        .put("type", "iceberg").put("warehouse", warehouse.toString()), "bench destination");
  }

  /**
   * The stream of table {@code id} in {@code mode}, every column selected, written to a table of the same name.
   *
   * @throws IllegalStateException when the source does not list the table
   */
  static StreamSpec stream(Source source, StreamId id, SyncMode mode) {
    StreamDescriptor table = source.discover().find(id)
        .orElseThrow(() -> new IllegalStateException("the source does not list table " + id));
    return new StreamSpec(table.id(), table.id(), mode, table.columns(), table.primaryKey(), List.of(),
        Optional.empty());
  }
}
