package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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

  /** A spec syncing the whole stream incrementally by {@code cursor} and the stream's own key. */
  static StreamSpec incrementalSpec(StreamDescriptor stream, String cursor) {
    return new StreamSpec(stream.id(), stream.id(), SyncMode.INCREMENTAL, stream.columns(), stream.primaryKey(),
        List.of(), Optional.of(cursor));
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

  /**
   * Waits until the connector's connections (application name sluice, not idle in an exported snapshot's
   * transaction) are gone, failing after {@code millis}.
   */
  static void assertNoSluiceConnectionWithin(PostgresServer server, long millis) throws Exception {
    long deadline = System.currentTimeMillis() + millis;
    long open;
    do {
      try (Connection connection = server.connect(PostgresServer.DATABASE);
          Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_stat_activity "
              + "WHERE application_name = 'sluice' AND state <> 'idle in transaction'")) {
        result.next();
        open = result.getLong(1);
      }
      if (open > 0) {
        Thread.sleep(50);
      }
    } while (open > 0 && System.currentTimeMillis() < deadline);
    assertThat(open).as("sluice connections still open").isZero();
  }
}
