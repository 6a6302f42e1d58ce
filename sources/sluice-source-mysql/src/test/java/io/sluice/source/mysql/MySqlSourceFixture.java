package io.sluice.source.mysql;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.Catalog;
import io.sluice.spi.ChangeBatch;
import io.sluice.spi.ChangeStream;
import io.sluice.spi.ChangeStreamRequest;
import io.sluice.spi.LogEvent;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Source;
import io.sluice.spi.Split;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import io.sluice.testkit.MariaDbServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds configs, sources and specs against a test MariaDB, and reads splits and change logs into lists. */
final class MySqlSourceFixture {
  private MySqlSourceFixture() {}

  static ObjectNode config(MariaDbServer server, String... databases) {
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    config.put("type", "mysql");
    config.put("host", server.host());
    config.put("port", server.port());
    config.put("username", MariaDbServer.USER);
    config.put("password", MariaDbServer.PASSWORD);
    var array = config.putArray("databases");
    for (String database : databases) {
      array.add(database);
    }
    return config;
  }

  static Source source(ObjectNode config) {
    return new MySqlSourceFactory().create(config);
  }

  static StreamDescriptor stream(Catalog catalog, String database, String table) {
    return catalog.find(StreamId.of(database, table))
        .orElseThrow(() -> new AssertionError("no stream " + database + "." + table + " in " + catalog));
  }

  static StreamSpec spec(StreamDescriptor stream, SyncMode mode) {
    return new StreamSpec(stream.id(), stream.id(), mode, stream.columns(), stream.primaryKey(), List.of(),
        Optional.empty());
  }

  static List<Object[]> readAll(Source source, StreamSpec spec) throws InterruptedException {
    List<Object[]> rows = new ArrayList<>();
    for (Split split : source.planSnapshot(spec)) {
      try (SnapshotReader reader = source.openSnapshot(spec, split)) {
        long count = reader.read((row, size) -> rows.add(row));
        int before = rows.size();
        if (count > before) {
          throw new AssertionError("reader returned " + count + " but handed over " + before + " rows");
        }
      }
    }
    return rows;
  }

  /** Reads a bounded change log from {@code position} for every stream until its end. */
  static List<ChangeBatch> readLog(Source source, List<StreamSpec> streams, String position)
      throws InterruptedException {
    Map<StreamId, String> positions = new HashMap<>();
    streams.forEach(stream -> positions.put(stream.source(), position));
    return readLog(source, streams, positions);
  }

  static List<ChangeBatch> readLog(Source source, List<StreamSpec> streams, Map<StreamId, String> positions)
      throws InterruptedException {
    List<ChangeBatch> batches = new ArrayList<>();
    try (ChangeStream stream = source.changeLog().orElseThrow()
        .open(new ChangeStreamRequest(streams, positions, true))) {
      long deadline = System.currentTimeMillis() + 60_000;
      while (true) {
        ChangeBatch batch = stream.poll(Duration.ofMillis(500));
        batches.add(batch);
        if (batch.endReached()) {
          return batches;
        }
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("the bounded change log did not end within 60 s");
        }
      }
    }
  }

  static List<LogEvent> events(List<ChangeBatch> batches) {
    List<LogEvent> events = new ArrayList<>();
    batches.forEach(batch -> events.addAll(batch.events()));
    return events;
  }
}
