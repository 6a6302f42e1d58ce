package io.sluice.source.postgres;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.Catalog;
import io.sluice.spi.Column;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Source;
import io.sluice.spi.Split;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import io.sluice.testkit.PostgresServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds configs, sources and stream specs against a test server, and reads splits into lists. */
final class PostgresSourceFixture {
  private PostgresSourceFixture() {}

  /** A config as the engine would pass it (validated, so only the keys a user would write). */
  static ObjectNode config(PostgresServer server, String... schemas) {
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    config.put("type", "postgres");
    config.put("host", server.host());
    config.put("port", server.port());
    config.put("database", PostgresServer.DATABASE);
    config.put("username", PostgresServer.USER);
    config.put("password", PostgresServer.PASSWORD);
    config.put("ssl_mode", "disable");
    var array = config.putArray("schemas");
    for (String schema : schemas.length == 0 ? new String[] {"public"} : schemas) {
      array.add(schema);
    }
    return config;
  }

  static Source source(ObjectNode config) {
    return new PostgresSourceFactory().create(config);
  }

  static StreamDescriptor stream(Catalog catalog, String schema, String table) {
    return catalog.find(StreamId.of(schema, table))
        .orElseThrow(() -> new AssertionError("no stream " + schema + "." + table + " in " + catalog));
  }

  static StreamSpec spec(StreamDescriptor stream) {
    return spec(stream, stream.columns());
  }

  static StreamSpec spec(StreamDescriptor stream, List<Column> columns) {
    return new StreamSpec(stream.id(), stream.id(), SyncMode.FULL_REFRESH, columns, stream.primaryKey(), List.of(),
        Optional.empty());
  }

  static List<Object[]> read(Source source, StreamSpec spec, Split split) throws InterruptedException {
    List<Object[]> rows = new ArrayList<>();
    try (SnapshotReader reader = source.openSnapshot(spec, split)) {
      long count = reader.read((row, size) -> rows.add(row));
      if (count != rows.size()) {
        throw new AssertionError("reader returned " + count + " but handed over " + rows.size() + " rows");
      }
    }
    return rows;
  }

  /** Closes what a test class started, in order, skipping what never started; for {@code @AfterAll}. */
  static void close(AutoCloseable... resources) throws Exception {
    for (AutoCloseable resource : resources) {
      if (resource != null) {
        resource.close();
      }
    }
  }

  /** Plans the stream and reads every split. */
  static List<Object[]> readAll(Source source, StreamSpec spec) throws InterruptedException {
    List<Object[]> rows = new ArrayList<>();
    for (Split split : source.planSnapshot(spec)) {
      rows.addAll(read(source, spec, split));
    }
    return rows;
  }
}
