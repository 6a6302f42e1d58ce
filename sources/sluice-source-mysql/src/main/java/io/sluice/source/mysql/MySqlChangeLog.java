package io.sluice.source.mysql;

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
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The binary log as the change log of {@code cdc} streams (MySQL 8.x and MariaDB 10.6+), read with the binlog
 * client as a replica would. Positions are {@link MySqlBinlogPosition}s. The server needs {@code log_bin},
 * {@code binlog_format = ROW} and {@code binlog_row_image = FULL}; {@code binlog_row_metadata = FULL} lets events
 * carry column names, which keeps decoding right across DDL even when replaying old events.
 *
 * <p>The pin is the binlog end when the backfill starts, read without locks, so snapshots are not consistent with
 * it: the replay from it re-applies, by key, changes the backfill may already hold, and the table converges.
 */
final class MySqlChangeLog implements ChangeLogSource {
  private static final Logger LOG = LoggerFactory.getLogger(MySqlChangeLog.class);
  /** Below a day of retention, a sync stopped over a weekend finds its position purged. */
  private static final long MIN_RETENTION_SECONDS = 24 * 3600;

  private final MySqlConnections connections;

  MySqlChangeLog(MySqlConnections connections) {
    this.connections = connections;
  }

  @Override
  public int comparePositions(String a, String b) {
    return MySqlBinlogPosition.decode(a).compareTo(MySqlBinlogPosition.decode(b));
  }

  @Override
  public LogPin pin(List<StreamSpec> streams) {
    for (StreamSpec stream : streams) {
      if (stream.primaryKey().isEmpty()) {
        throw new ConfigException("primary_key", "Cannot capture changes of " + stream.source() + ": it has no "
            + "primary key; set primary_key in the streams file to columns that identify a row, or sync it with "
            + "full_refresh");
      }
    }
    String what = "Cannot read the binlog position of " + connections.config().address();
    try (Connection connection = connections.open()) {
      MySqlServerInfo server = MySqlServerInfo.read(connection);
      requireRowLog(connection, what);
      long serverId = connections.config().serverId().orElseGet(MySqlChangeLog::randomServerId);
      MySqlBinlogPosition position = MySqlBinlogStatus.read(connection, server).position(serverId);
      LOG.info("cdc of {} starts at binlog {}:{}{} (replica server id {})", server.describe(), position.file(),
          position.pos(), position.gtids() == null ? "" : ", GTID set " + position.gtids(), serverId);
      return new LogPin() {
        @Override
        public String position() {
          return position.encode();
        }

        @Override
        public boolean snapshotConsistent() {
          return false;
        }

        @Override
        public void close() {}
      };
    } catch (SQLException e) {
      throw privilegeAware(what, e);
    }
  }

  /** A replica id in the range real servers rarely use, so it does not collide with the topology's own. */
  private static long randomServerId() {
    return 1_000_000_000L + new SecureRandom().nextInt(1_000_000_000);
  }

  @Override
  public ChangeStream open(ChangeStreamRequest request) {
    String what = "Cannot read the binlog of " + connections.config().address();
    MySqlBinlogPosition start = null;
    for (StreamSpec stream : request.streams()) {
      MySqlBinlogPosition position = MySqlBinlogPosition.decode(request.positions().get(stream.source()));
      if (start == null || position.compareTo(start) < 0) {
        start = position;
      }
    }
    if (start == null) {
      throw new IllegalArgumentException("Cannot open the binlog without streams");
    }
    MySqlBinlogPosition end = null;
    try (Connection connection = connections.open()) {
      MySqlServerInfo server = MySqlServerInfo.read(connection);
      requireRowLog(connection, what);
      if (request.bounded()) {
        end = MySqlBinlogStatus.read(connection, server).position(start.serverId());
      }
    } catch (SQLException e) {
      throw privilegeAware(what, e);
    }
    return MySqlBinlogStream.start(connections, request, start, end, what);
  }

  private SluiceException privilegeAware(String what, SQLException e) {
    if (e.getErrorCode() == MySqlErrorClassifier.SPECIFIC_ACCESS_DENIED) {
      return new SluiceException(ErrorKind.CONFIG, what + ": " + MySqlErrorClassifier.reason(e) + "; run GRANT "
          + "REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO the user (MariaDB: REPLICATION SLAVE, BINLOG MONITOR)",
          e);
    }
    if (e.getErrorCode() == 1381) {
      return new SluiceException(ErrorKind.CONFIG, what + ": " + e.getMessage(), e);
    }
    return MySqlErrorClassifier.failure(what, e);
  }

  private static void requireRowLog(Connection connection, String what) throws SQLException {
    String logBin = MySqlBinlogStatus.variable(connection, "log_bin");
    if (!"ON".equalsIgnoreCase(logBin) && !"1".equals(logBin)) {
      throw new SluiceException(ErrorKind.CONFIG, what + ": the binary log is off (log_bin = " + logBin + "); "
          + "start the server with log_bin and binlog_format = ROW");
    }
    String format = MySqlBinlogStatus.variable(connection, "binlog_format");
    if (!"ROW".equalsIgnoreCase(format)) {
      throw new SluiceException(ErrorKind.CONFIG, what + ": binlog_format is " + format + ", expected ROW; run "
          + "SET GLOBAL binlog_format = 'ROW' and set it in the server's config");
    }
    String image = MySqlBinlogStatus.variable(connection, "binlog_row_image");
    if (image != null && !"FULL".equalsIgnoreCase(image)) {
      throw new SluiceException(ErrorKind.CONFIG, what + ": binlog_row_image is " + image + ", expected FULL; run "
          + "SET GLOBAL binlog_row_image = 'FULL' and set it in the server's config");
    }
  }

  @Override
  public CheckResult check(List<StreamSpec> streams) {
    List<Probe> probes = new ArrayList<>();
    try (Connection connection = connections.open()) {
      MySqlServerInfo server = MySqlServerInfo.read(connection);
      probes.add(Probe.pass("server_version", server.describe()));
      String logBin = MySqlBinlogStatus.variable(connection, "log_bin");
      probes.add("ON".equalsIgnoreCase(logBin) || "1".equals(logBin) ? Probe.pass("log_bin", "log_bin = ON")
          : Probe.fail("log_bin", "log_bin is " + logBin + ", expected ON: start the server with log_bin (and "
              + "binlog_format = ROW, binlog_row_image = FULL)"));
      probes.add(setting(connection, "binlog_format", "ROW", "SET GLOBAL binlog_format = 'ROW'"));
      probes.add(setting(connection, "binlog_row_image", "FULL", "SET GLOBAL binlog_row_image = 'FULL'"));
      String metadata = MySqlBinlogStatus.variable(connection, "binlog_row_metadata");
      probes.add(Probe.pass("binlog_row_metadata", metadata == null ? "binlog_row_metadata is not available: "
          + "columns are matched by position, so replays across DDL need care"
          : "FULL".equalsIgnoreCase(metadata) ? "binlog_row_metadata = FULL (events name their columns)"
              : "binlog_row_metadata = " + metadata + ": FULL is recommended, so events name their columns"));
      probes.add(retention(connection));
      probes.add(replicationPrivileges(connection, server));
      try {
        MySqlBinlogStatus status = MySqlBinlogStatus.read(connection, server);
        probes.add(Probe.pass("binlog_position", "binlog at " + status.file() + ":" + status.pos()
            + (status.gtids() == null ? " (no GTIDs: positions are file/offset on this server only)"
                : ", GTID set " + status.gtids())));
      } catch (SQLException e) {
        probes.add(Probe.fail("binlog_position", privilegeAware("cannot read the binlog position", e)
            .getMessage()));
      }
    } catch (SluiceException e) {
      probes.add(Probe.fail("connect", e.getMessage()));
    } catch (SQLException e) {
      probes.add(Probe.fail("change_log", MySqlErrorClassifier.reason(e)));
    }
    for (StreamSpec stream : streams) {
      if (stream.primaryKey().isEmpty()) {
        probes.add(Probe.fail("primary_key", stream.source() + " has no primary key: set primary_key in the "
            + "streams file, or sync it with full_refresh"));
      }
    }
    return new CheckResult(probes);
  }

  private static Probe setting(Connection connection, String name, String expected, String fix) throws SQLException {
    String value = MySqlBinlogStatus.variable(connection, name);
    return expected.equalsIgnoreCase(value) ? Probe.pass(name, name + " = " + value)
        : Probe.fail(name, name + " is " + value + ", expected " + expected + ": run " + fix
            + " and set it in the server's config file");
  }

  private static Probe retention(Connection connection) throws SQLException {
    String seconds = MySqlBinlogStatus.variable(connection, "binlog_expire_logs_seconds");
    String days = MySqlBinlogStatus.variable(connection, "expire_logs_days");
    long retention = seconds != null && !seconds.equals("0") ? Long.parseLong(seconds)
        : days != null ? (long) (Double.parseDouble(days) * 86400) : 0;
    if (retention == 0) {
      return Probe.pass("binlog_retention", "binlogs are kept until purged by hand");
    }
    String text = "binlogs are kept " + retention / 3600 + " h";
    return retention >= MIN_RETENTION_SECONDS ? Probe.pass("binlog_retention", text)
        : Probe.fail("binlog_retention", text + ": a sync stopped longer than that loses its position; raise "
            + "binlog_expire_logs_seconds to at least 86400");
  }

  private Probe replicationPrivileges(Connection connection, MySqlServerInfo server) throws SQLException {
    List<String> grants = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW GRANTS")) {
      while (result.next()) {
        grants.add(result.getString(1).toUpperCase(Locale.ROOT));
      }
    }
    boolean all = grants.stream().anyMatch(grant -> grant.startsWith("GRANT ALL PRIVILEGES ON *.*"));
    boolean slave = all || grants.stream().anyMatch(grant -> grant.contains("REPLICATION SLAVE")
        && grant.contains(" ON *.*"));
    boolean client = all || grants.stream().anyMatch(grant -> (grant.contains("REPLICATION CLIENT")
        || grant.contains("BINLOG MONITOR") || grant.contains("SUPER")) && grant.contains(" ON *.*"));
    String user = connections.config().username();
    if (slave && client) {
      return Probe.pass("replication_privileges", "user " + user + " may read the binlog");
    }
    return Probe.fail("replication_privileges", "user " + user + " lacks " + (slave ? "" : "REPLICATION SLAVE")
        + (!slave && !client ? " and " : "") + (client ? "" : server.mariaDb() ? "BINLOG MONITOR" : "REPLICATION "
            + "CLIENT") + ": run GRANT REPLICATION SLAVE, " + (server.mariaDb() ? "BINLOG MONITOR" : "REPLICATION "
                + "CLIENT") + " ON *.* TO the user");
  }
}
