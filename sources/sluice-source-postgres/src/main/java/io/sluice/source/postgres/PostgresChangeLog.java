package io.sluice.source.postgres;

import io.sluice.spi.ChangeLogSource;
import io.sluice.spi.ChangeStream;
import io.sluice.spi.ChangeStreamRequest;
import io.sluice.spi.CheckResult;
import io.sluice.spi.CheckResult.Probe;
import io.sluice.spi.ConfigException;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.LogPin;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.postgresql.replication.LogSequenceNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's change log for {@code cdc} streams: logical replication with the {@code pgoutput} plugin, through
 * one slot and one publication ({@link PostgresReplicationConfig}). Positions are {@link PostgresLogPosition}s.
 * Needs PostgreSQL 14+ (pgoutput's binary mode, so values decode exactly as binary COPY snapshots do).
 */
final class PostgresChangeLog implements ChangeLogSource {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeLog.class);
  static final int MIN_SERVER_VERSION = 140000;

  private final PostgresConnections connections;
  private final PostgresReplicationConfig replication;
  /** Tells the source which exported snapshot its planned splits read (null: none). */
  private final Consumer<String> snapshotForSplits;

  PostgresChangeLog(PostgresConnections connections, PostgresReplicationConfig replication,
      Consumer<String> snapshotForSplits) {
    this.connections = connections;
    this.replication = replication;
    this.snapshotForSplits = snapshotForSplits;
  }

  @Override
  public int comparePositions(String a, String b) {
    return PostgresLogPosition.decode(a).compareTo(PostgresLogPosition.decode(b));
  }

  @Override
  public LogPin pin(List<StreamSpec> streams) {
    refuseStreamsWithoutKey(streams);
    String what = "Cannot prepare replication slot \"" + replication.slot() + "\" in "
        + connections.config().address();
    Optional<SlotState> slot;
    try (Connection connection = connections.open()) {
      requireVersion(connection, what);
      ensurePublication(connection, streams);
      slot = slot(connection);
    } catch (SQLException e) {
      throw PostgresErrorClassifier.failure(what, e);
    }
    if (slot.isPresent()) {
      SlotState existing = slot.get();
      if (existing.lost()) {
        throw slotLost();
      }
      LOG.info("replication slot \"{}\" exists; the replay starts at its confirmed position {}", replication.slot(),
          LogSequenceNumber.valueOf(existing.confirmedFlush()).asString());
      return new Pin(PostgresLogPosition.before(existing.confirmedFlush()), null, null);
    }
    Connection replicationConnection = connections.openReplication();
    try (Statement statement = replicationConnection.createStatement();
        ResultSet result = statement.executeQuery("CREATE_REPLICATION_SLOT " + replication.slot()
            + " LOGICAL pgoutput EXPORT_SNAPSHOT")) {
      result.next();
      long consistentPoint = LogSequenceNumber.valueOf(result.getString("consistent_point")).asLong();
      String snapshot = result.getString("snapshot_name");
      LOG.info("created replication slot \"{}\" at {} with exported snapshot {}", replication.slot(),
          LogSequenceNumber.valueOf(consistentPoint).asString(), snapshot);
      snapshotForSplits.accept(snapshot);
      return new Pin(PostgresLogPosition.before(consistentPoint), snapshot, replicationConnection);
    } catch (SQLException e) {
      close(replicationConnection);
      if ("42501".equals(e.getSQLState())) {
        throw new SluiceException(ErrorKind.CONFIG, what + ": the role " + connections.config().username()
            + " may not create replication slots; run ALTER ROLE " + PostgresIdentifiers.quote(
                connections.config().username()) + " REPLICATION; (or use a superuser)", e);
      }
      throw PostgresErrorClassifier.failure(what, e);
    }
  }

  /** A pin: the position, and the replication connection holding the exported snapshot until closed. */
  private final class Pin implements LogPin {
    private final PostgresLogPosition position;
    private final String snapshot;
    private Connection holder;

    Pin(PostgresLogPosition position, String snapshot, Connection holder) {
      this.position = position;
      this.snapshot = snapshot;
      this.holder = holder;
    }

    @Override
    public String position() {
      return position.encode();
    }

    @Override
    public boolean snapshotConsistent() {
      return snapshot != null;
    }

    @Override
    public synchronized void close() {
      if (holder != null) {
        snapshotForSplits.accept(null);
        PostgresChangeLog.close(holder);
        holder = null;
      }
    }
  }

  @Override
  public ChangeStream open(ChangeStreamRequest request) {
    String what = "Cannot read the change log of replication slot \"" + replication.slot() + "\" in "
        + connections.config().address();
    try (Connection connection = connections.open()) {
      requireVersion(connection, what);
      awaitSlotFree(connection, what);
    } catch (SQLException e) {
      throw PostgresErrorClassifier.failure(what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SluiceException(ErrorKind.TRANSIENT, what + ": interrupted", e);
    }
    return PostgresReplicationStream.start(connections, replication, request, what);
  }

  /** A slot still held by a process that just died is released within seconds; wait that long, then fail. */
  private void awaitSlotFree(Connection connection, String what) throws SQLException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      Optional<SlotState> slot = slot(connection);
      if (slot.isEmpty()) {
        throw new SluiceException(ErrorKind.PERMANENT, "Replication slot \"" + replication.slot()
            + "\" does not exist in " + connections.config().address() + " (dropped or invalidated?): the changes "
            + "since the last sync cannot be read; run the sync once with --resync all to backfill every cdc "
            + "stream from a new slot");
      }
      if (slot.get().lost()) {
        throw slotLost();
      }
      if (slot.get().activePid() == null) {
        return;
      }
      if (attempt == 20) {
        throw new SluiceException(ErrorKind.TRANSIENT, what + ": the slot is in use by server process "
            + slot.get().activePid() + " (another sync of this slot?); stop it, or wait until it ends");
      }
      Thread.sleep(500);
    }
  }

  private SluiceException slotLost() {
    return new SluiceException(ErrorKind.PERMANENT, "Replication slot \"" + replication.slot() + "\" in "
        + connections.config().address() + " was invalidated (the server removed WAL it still needed, see "
        + "max_slot_wal_keep_size): the changes since the last sync are lost; drop it with SELECT "
        + "pg_drop_replication_slot('" + replication.slot() + "') and run the sync once with --resync all");
  }

  private record SlotState(long confirmedFlush, Integer activePid, boolean lost, String plugin) {}

  private Optional<SlotState> slot(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT confirmed_flush_lsn::text, active_pid, wal_status = 'lost', plugin
        FROM pg_catalog.pg_replication_slots WHERE slot_name = ? AND database = current_database()
        """)) {
      statement.setString(1, replication.slot());
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          return Optional.empty();
        }
        String flush = result.getString(1);
        int pid = result.getInt(2);
        Integer activePid = result.wasNull() ? null : pid;
        return Optional.of(new SlotState(flush == null ? 0 : LogSequenceNumber.valueOf(flush).asLong(), activePid,
            result.getBoolean(3), result.getString(4)));
      }
    }
  }

  private void requireVersion(Connection connection, String what) throws SQLException {
    int version = serverVersion(connection);
    if (version < MIN_SERVER_VERSION) {
      throw new SluiceException(ErrorKind.CONFIG, what + ": the server runs PostgreSQL " + version / 10000
          + ", and cdc needs PostgreSQL 14 or later (pgoutput's binary mode); sync with full_refresh or "
          + "incremental instead");
    }
  }

  private static int serverVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW server_version_num")) {
      result.next();
      return Integer.parseInt(result.getString(1));
    }
  }

  private static void refuseStreamsWithoutKey(List<StreamSpec> streams) {
    for (StreamSpec stream : streams) {
      if (stream.primaryKey().isEmpty()) {
        throw new ConfigException("primary_key", "Cannot capture changes of " + stream.source() + ": it has no "
            + "primary key; set primary_key in the streams file to columns that identify a row, or sync it with "
            + "full_refresh");
      }
    }
  }

  /** Creates the publication, or adds missing tables to it; says which SQL to run when the role may not. */
  private void ensurePublication(Connection connection, List<StreamSpec> streams) throws SQLException {
    List<String> missing = missingFromPublication(connection, streams);
    boolean exists = publicationExists(connection);
    if (exists && missing.isEmpty()) {
      return;
    }
    String sql = exists
        ? "ALTER PUBLICATION " + replication.publication() + " ADD TABLE " + String.join(", ", missing)
        : "CREATE PUBLICATION " + replication.publication() + " FOR TABLE " + String.join(", ", missing)
            + " WITH (publish_via_partition_root = true)";
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
      LOG.info("{}", sql);
    } catch (SQLException e) {
      if ("42501".equals(e.getSQLState())) {
        throw new SluiceException(ErrorKind.CONFIG, "Cannot " + (exists ? "add tables to" : "create")
            + " publication \"" + replication.publication() + "\" in " + connections.config().address()
            + ": the role " + connections.config().username() + " lacks the rights (" + PostgresErrorClassifier
                .reason(e) + "); ask an owner of the tables to run: " + sql, e);
      }
      throw e;
    }
  }

  private boolean publicationExists(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?")) {
      statement.setString(1, replication.publication());
      try (ResultSet result = statement.executeQuery()) {
        return result.next();
      }
    }
  }

  /** The quoted names of the streams' tables the publication does not cover (all when it does not exist). */
  private List<String> missingFromPublication(Connection connection, List<StreamSpec> streams) throws SQLException {
    Set<String> covered = new HashSet<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT schemaname, tablename FROM pg_catalog.pg_publication_tables WHERE pubname = ?")) {
      statement.setString(1, replication.publication());
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          covered.add(result.getString(1) + "\u0000" + result.getString(2));
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (StreamSpec stream : streams) {
      if (!covered.contains(stream.source().namespace() + "\u0000" + stream.source().name())) {
        missing.add(PostgresIdentifiers.quote(stream.source().namespace(), stream.source().name()));
      }
    }
    return missing;
  }

  @Override
  public CheckResult check(List<StreamSpec> streams) {
    List<Probe> probes = new ArrayList<>();
    try (Connection connection = connections.open()) {
      int version = serverVersion(connection);
      probes.add(version >= MIN_SERVER_VERSION ? Probe.pass("server_version", "PostgreSQL " + version)
          : Probe.fail("server_version", "PostgreSQL " + version + ": cdc needs 14 or later"));
      String walLevel = setting(connection, "wal_level");
      probes.add("logical".equals(walLevel) ? Probe.pass("wal_level", "wal_level = logical")
          : Probe.fail("wal_level", "wal_level is " + walLevel + ", expected logical: set wal_level = logical in "
              + "postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart the server"));
      probes.add(replicationRole(connection));
      List<String> missing = missingFromPublication(connection, streams);
      boolean exists = publicationExists(connection);
      probes.add(missing.isEmpty() ? Probe.pass("publication", "publication \"" + replication.publication()
          + "\" covers every cdc table")
          : Probe.pass("publication", "publication \"" + replication.publication() + "\" "
              + (exists ? "lacks " : "does not exist yet; it will be created for ") + String.join(", ", missing)
              + " (if the role may not, the sync says which SQL to run)"));
      Optional<SlotState> slot = slot(connection);
      if (slot.isEmpty()) {
        probes.add(Probe.pass("slot", "replication slot \"" + replication.slot() + "\" does not exist yet; the "
            + "first sync creates it (max_replication_slots = " + setting(connection, "max_replication_slots")
            + ", max_wal_senders = " + setting(connection, "max_wal_senders") + ")"));
      } else if (slot.get().lost()) {
        probes.add(Probe.fail("slot", "replication slot \"" + replication.slot() + "\" was invalidated; drop it "
            + "and resync with --resync all"));
      } else if (!"pgoutput".equals(slot.get().plugin())) {
        probes.add(Probe.fail("slot", "replication slot \"" + replication.slot() + "\" uses plugin "
            + slot.get().plugin() + ", expected pgoutput; choose another slot name"));
      } else {
        probes.add(Probe.pass("slot", "replication slot \"" + replication.slot() + "\" is healthy"
            + (slot.get().activePid() == null ? "" : " (in use by server process " + slot.get().activePid() + ")")));
      }
    } catch (SQLException e) {
      probes.add(Probe.fail("change_log", PostgresErrorClassifier.reason(e)));
    } catch (SluiceException e) {
      probes.add(Probe.fail("connect", e.getMessage()));
    }
    for (StreamSpec stream : streams) {
      if (stream.primaryKey().isEmpty()) {
        probes.add(Probe.fail("primary_key", stream.source() + " has no primary key: set primary_key in the "
            + "streams file, or sync it with full_refresh"));
      }
    }
    probes.add(replicationConnection());
    return new CheckResult(probes);
  }

  private Probe replicationRole(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(
            "SELECT rolreplication OR rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user")) {
      boolean allowed = result.next() && result.getBoolean(1);
      return allowed ? Probe.pass("replication_role", "role " + connections.config().username()
          + " may replicate") : Probe.fail("replication_role", "role " + connections.config().username()
          + " has no REPLICATION attribute: run ALTER ROLE " + PostgresIdentifiers.quote(
              connections.config().username()) + " REPLICATION");
    }
  }

  private Probe replicationConnection() {
    try {
      close(connections.openReplication());
      return Probe.pass("replication_connection", "a replication connection opens");
    } catch (SluiceException e) {
      return Probe.fail("replication_connection", e.getMessage() + " (pg_hba.conf needs a 'replication' line "
          + "for this role and host)");
    }
  }

  private static String setting(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT setting FROM pg_catalog.pg_settings WHERE name = ?")) {
      statement.setString(1, name);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? result.getString(1) : "unknown";
      }
    }
  }

  static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("cannot close a replication connection: {}", e.getMessage());
    }
  }
}
