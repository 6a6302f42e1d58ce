package io.sluice.source.postgres;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.source.postgres.PostgresCatalogQueries.Column;
import io.sluice.source.postgres.PostgresCatalogQueries.Table;
import io.sluice.spi.Catalog;
import io.sluice.spi.CheckResult;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.IncrementalSource;
import io.sluice.spi.SluiceException;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Split;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL source. Creating it does not connect; every call opens the connections it needs and closes them,
 * except the one that holds the exported snapshot of the first {@link #planSnapshot} until {@link #close()}.
 * Thread-safe.
 */
final class PostgresSource implements io.sluice.spi.Source {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSource.class);
  static final String INCREMENTAL_NOTE =
      "incremental: cursor-based sync does not see deletes; rows whose cursor is NULL are skipped and counted";

  private final PostgresConfig config;
  private final PostgresConnections connections;
  private final PostgresChunkPlanner planner;
  private final PostgresIncrementalSource incremental;
  private final PostgresChangeLog changeLog;
  /** The snapshot a change-log pin exported, which plans use while it lives; null otherwise. */
  private String pinnedSnapshot;
  /** Exported snapshots found gone (by a reader or by {@link #resumable}); never planned in or resumed from again. */
  private final Set<String> lostSnapshots = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Marks the page-range plans of this instance: only it holds their snapshot (ids repeat after a server restart). */
  private final String instanceId = java.util.UUID.randomUUID().toString();
  private PostgresExportedSnapshot exportedSnapshot;
  private boolean snapshotUnavailable;
  private boolean closed;

  PostgresSource(PostgresConfig config, PostgresReplicationConfig replication) {
    this.config = config;
    this.connections = new PostgresConnections(config);
    this.planner = new PostgresChunkPlanner(config.chunkSizeRows(), config.maxThreads());
    this.incremental = new PostgresIncrementalSource(connections);
    this.changeLog = new PostgresChangeLog(connections, replication, this::usePinnedSnapshot);
  }

  PostgresSource(PostgresConfig config) {
    this(config, new PostgresReplicationConfig(PostgresReplicationConfig.DEFAULT_SLOT,
        PostgresReplicationConfig.DEFAULT_PUBLICATION));
  }

  /** {@code postgres://host:port/database}. */
  @Override
  public String identity() {
    return "postgres://" + config.address();
  }

  /** Change data capture: {@link PostgresChangeLog}. */
  @Override
  public Optional<io.sluice.spi.ChangeLogSource> changeLog() {
    return Optional.of(changeLog);
  }

  private synchronized void usePinnedSnapshot(String snapshot) {
    pinnedSnapshot = snapshot;
  }

  @Override
  public CheckResult check() {
    return new PostgresSourceCheck(connections).run();
  }

  @Override
  public Catalog discover() {
    try (Connection connection = connections.open()) {
      List<Table> tables = PostgresCatalogQueries.readableTables(connection, config.schemas());
      List<Long> oids = tables.stream().map(Table::oid).toList();
      Map<Long, List<Column>> columns = PostgresCatalogQueries.columns(connection, oids);
      Map<Long, List<String>> keys = PostgresCatalogQueries.primaryKeys(connection, oids);
      List<StreamDescriptor> streams = new ArrayList<>();
      for (Table table : tables) {
        List<String> key = keys.getOrDefault(table.oid(), List.of());
        streams.add(new StreamDescriptor(StreamId.of(table.schema(), table.name()),
            columns.get(table.oid()).stream().map(PostgresSource::toSpi).toList(), key,
            key.isEmpty() ? Set.of(SyncMode.FULL_REFRESH, SyncMode.INCREMENTAL)
                : Set.of(SyncMode.FULL_REFRESH, SyncMode.INCREMENTAL, SyncMode.CDC, SyncMode.CDC_ONLY),
            notes(table, columns.get(table.oid()), key)));
      }
      Map<StreamId, String> unreadable = new java.util.LinkedHashMap<>();
      PostgresCatalogQueries.unreadableTables(connection, config.schemas()).forEach((table, privilege) ->
          unreadable.put(StreamId.of(table.schema(), table.name()), missingPrivilege(table, privilege)));
      return new Catalog(streams, unreadable);
    } catch (SQLException e) {
      throw PostgresErrorClassifier.failure("Cannot discover the tables of schemas " + config.schemas() + " in "
          + config.address(), e);
    }
  }

  /** Why the configured role cannot read {@code table}, and the statement that grants it. */
  private String missingPrivilege(Table table, String privilege) {
    String role = PostgresIdentifiers.quote(config.username());
    return privilege.equals("USAGE")
        ? "role " + config.username() + " lacks USAGE on schema " + table.schema() + "; run GRANT USAGE ON SCHEMA "
            + PostgresIdentifiers.quote(table.schema()) + " TO " + role
        : "role " + config.username() + " lacks SELECT on table " + table + "; run GRANT SELECT ON "
            + table.quotedName() + " TO " + role;
  }

  private static io.sluice.spi.Column toSpi(Column column) {
    return new io.sluice.spi.Column(column.name(), PostgresTypeMapping.dataType(column.type()), column.nullable(),
        column.sourceType());
  }

  private static List<String> notes(Table table, List<Column> columns, List<String> key) {
    List<String> notes = new ArrayList<>();
    if (table.partitioned()) {
      notes.add("partitioned table: read through the parent, so its partitions are not listed as streams");
    }
    if (key.isEmpty()) {
      notes.add("no primary key: snapshots are chunked by physical location (ctid), so a load interrupted by a "
          + "crash starts over instead of going on");
      notes.add("no primary key: cdc is not offered; set primary_key in the streams file to columns that identify "
          + "a row to capture changes");
      notes.add("no primary key: incremental needs primary_key set in the streams file to columns that identify a "
          + "row, because cursor reads page by (cursor, key) and rows are upserted by key");
    }
    columns.stream()
        .filter(column -> key.contains(column.name()))
        .filter(column -> !PostgresChunkPlanner.KEY_SPAN_KINDS.contains(column.type().kind()))
        .findFirst()
        .ifPresent(column -> notes.add("primary key column " + column.name() + " is of type " + column.sourceType()
            + ", which snapshot chunks cannot be bounded by: snapshots are chunked by physical location (ctid), so "
            + "a load interrupted by a crash starts over instead of going on"));
    notes.add(INCREMENTAL_NOTE);
    return notes;
  }

  @Override
  public List<Split> planSnapshot(StreamSpec stream) {
    String what = "Cannot plan the snapshot of " + stream.source();
    Optional<String> snapshot = exportedSnapshotId();
    try (Connection connection = connections.open()) {
      Table table = PostgresCatalogQueries.table(connection, stream.source().namespace(), stream.source().name())
          .orElseThrow(() -> new SluiceException(ErrorKind.PERMANENT, what + ": the table does not exist in "
              + config.address()));
      List<Column> columns = PostgresCatalogQueries.columns(connection, List.of(table.oid())).get(table.oid());
      List<String> key = PostgresCatalogQueries.primaryKeys(connection, List.of(table.oid()))
          .getOrDefault(table.oid(), List.of());
      PostgresChunkPlanner.Plan plan = planner.plan(connection, table, columns, key);
      List<Split> splits = new ArrayList<>();
      for (PostgresChunk chunk : plan.chunks()) {
        ObjectNode descriptor = chunk.toJson();
        snapshot.ifPresent(id -> descriptor.put("snapshot", id).put("planned_by", instanceId));
        splits.add(new Split(chunk.id(), descriptor, plan.estimatedRowsPerChunk()));
      }
      LOG.info("{}: planned {} chunk(s) of about {} rows{}", stream.source(), splits.size(),
          plan.estimatedRowsPerChunk(), snapshot.map(id -> " in exported snapshot " + id).orElse(""));
      return splits;
    } catch (SQLException e) {
      throw PostgresErrorClassifier.failure(what, e);
    }
  }

  /**
   * The snapshot every plan of this source shares, exported by the first plan and held until {@link #close()}, so
   * that all streams of one sync read one consistent state of the database. Empty when exporting fails (the
   * load then goes on without cross-chunk consistency).
   */
  private synchronized Optional<String> exportedSnapshotId() {
    if (closed) {
      throw new IllegalStateException("Cannot plan a snapshot: the source is closed");
    }
    if (pinnedSnapshot != null && !lostSnapshots.contains(pinnedSnapshot)) {
      return Optional.of(pinnedSnapshot);
    }
    if (exportedSnapshot != null && !exportedSnapshotAlive()) {
      // its connection ended (a dropped connection, a server restart): plans from now on need a new one
      exportedSnapshot.close();
      exportedSnapshot = null;
    }
    if (exportedSnapshot == null && !snapshotUnavailable) {
      try {
        exportedSnapshot = PostgresExportedSnapshot.export(connections);
      } catch (SQLException e) {
        snapshotUnavailable = true;
        LOG.warn("Cannot export a snapshot from {}: {}; chunks will be read in independent snapshots",
            config.address(), PostgresErrorClassifier.reason(e));
      }
    }
    return exportedSnapshot == null ? Optional.empty() : Optional.of(exportedSnapshot.id());
  }

  /**
   * Key ranges and spans always resume: a row keeps its key, so it stays in its chunk. Page ranges resume only in
   * the snapshot they were planned in, and only in this source instance, which holds it: after a transient failure
   * that left its connection alive, never in a new process (snapshot ids repeat after a server restart, so the id
   * alone does not tell).
   */
  @Override
  public synchronized boolean resumable(StreamSpec stream, List<Split> splits) {
    Set<String> snapshots = new java.util.HashSet<>();
    for (Split split : splits) {
      if (!(PostgresChunk.fromJson(split.id(), split.descriptor()) instanceof PostgresChunk.PageRange)) {
        continue;
      }
      Optional<String> snapshot = PostgresChunk.snapshotOf(split.descriptor());
      if (snapshot.isEmpty() || !instanceId.equals(split.descriptor().path("planned_by").asText())) {
        return false;
      }
      snapshots.add(snapshot.get());
    }
    // one plan has one snapshot: its holder is asked once, not once per split
    for (String snapshot : snapshots) {
      if (lostSnapshots.contains(snapshot)) {
        return false;
      }
      if (snapshot.equals(pinnedSnapshot)) {
        continue; // held by the change log's connection; a reader that finds it gone says so, and the retry asks again
      }
      if (exportedSnapshot == null || !exportedSnapshot.id().equals(snapshot) || !exportedSnapshotAlive()) {
        return false;
      }
    }
    return true;
  }

  /** Whether the exported snapshot (not null) can still be adopted; a dead one is remembered as lost. */
  private boolean exportedSnapshotAlive() {
    if (lostSnapshots.contains(exportedSnapshot.id())) {
      return false;
    }
    if (!exportedSnapshot.alive()) {
      lostSnapshots.add(exportedSnapshot.id());
      return false;
    }
    return true;
  }

  @Override
  public SnapshotReader openSnapshot(StreamSpec stream, Split split) {
    return new PostgresSnapshotReader(connections, stream, split, lostSnapshots);
  }

  /** Cursor reads: {@link PostgresIncrementalSource}. */
  @Override
  public Optional<IncrementalSource> incremental() {
    return Optional.of(incremental);
  }

  @Override
  public int maxConcurrentReads() {
    return config.maxThreads();
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (exportedSnapshot != null) {
      exportedSnapshot.close();
      exportedSnapshot = null;
    }
  }
}
