package io.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.GtidEventData;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import io.sluice.spi.ChangeBatch;
import io.sluice.spi.ChangeEvent;
import io.sluice.spi.ChangeStream;
import io.sluice.spi.ChangeStreamRequest;
import io.sluice.spi.Column;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.LogEvent;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import java.io.IOException;
import java.io.Serializable;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the binary log for a set of cdc streams. The binlog client runs on its own thread and hands decoded items to
 * {@link #poll} through a bounded queue, so a slow destination slows the reading rather than filling the heap.
 *
 * <p>Transactions are tracked from their GTID (or BEGIN) event to their XID (or COMMIT, or a DDL statement); every
 * row change gets the position "this transaction's start, after n row changes" ({@link MySqlBinlogPosition}), which
 * is how a restart skips exactly what was applied. An update that changes the key becomes a delete and an insert
 * that share one position and are never split between batches.
 *
 * <p>A bounded stream ends at the binlog end read when it was opened: at the first commit at or past it, or, when
 * nothing was written since, at the first heartbeat the server sends while idle (every second).
 */
final class MySqlBinlogStream implements ChangeStream {
  private static final Logger LOG = LoggerFactory.getLogger(MySqlBinlogStream.class);
  private static final int MAX_BATCH_EVENTS = 2_000;
  private static final long MAX_BATCH_BYTES = 8L << 20;
  private static final Pattern TRUNCATE = Pattern.compile(
      "^\\s*TRUNCATE\\s+(?:TABLE\\s+)?(?:`((?:[^`]|``)+)`|(\\w+))(?:\\s*\\.\\s*(?:`((?:[^`]|``)+)`|(\\w+)))?",
      Pattern.CASE_INSENSITIVE);

  /** What the reader thread hands to {@link #poll}. */
  private sealed interface Item {}

  /** Events of one row change (two for a key-changing update), and the position after them. */
  private record Rows(List<LogEvent> events, MySqlBinlogPosition position, int sizeBytes) implements Item {}

  /** A stream's columns changed; comes before the rows that have the new columns. */
  private record Schema(LogEvent.SchemaChange change) implements Item {}

  /** The log advanced (a commit, another table's transaction) without events for these streams. */
  private record Advance(MySqlBinlogPosition position) implements Item {}

  private record End() implements Item {}

  private record Failure(SluiceException error) implements Item {}

  private final BinaryLogClient client;
  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(4_096);
  private final MySqlStreamLayouts layouts;
  private final Map<StreamId, MySqlBinlogPosition> resumeAt = new HashMap<>();
  private final Map<Long, TableMapEventData> tableMaps = new HashMap<>();
  /** Each stream's key columns, which decide whether an update moves a row. */
  private final Map<StreamId, List<String>> keys = new HashMap<>();
  private final MySqlBinlogPosition end;
  private final String what;
  private volatile boolean closed;

  // Reader-thread state.
  private String currentFile;
  private String executedGtids;
  private MySqlBinlogPosition transactionStart;
  private String transactionGtid;
  private long rowsInTransaction;
  private MySqlBinlogPosition lastHanded;
  private boolean ended;

  // Poll-thread state.
  private Item pending;
  private MySqlBinlogPosition polledPosition;
  private boolean endReached;

  private MySqlBinlogStream(MySqlConnections connections, ChangeStreamRequest request, MySqlBinlogPosition start,
      MySqlBinlogPosition end, String what) {
    this.layouts = new MySqlStreamLayouts(connections, request.streams());
    this.end = end;
    this.what = what;
    for (StreamSpec stream : request.streams()) {
      resumeAt.put(stream.source(), MySqlBinlogPosition.decode(request.positions().get(stream.source())));
      keys.put(stream.source(), stream.primaryKey());
    }
    this.currentFile = start.file();
    this.executedGtids = start.gtids();
    this.lastHanded = start;
    this.polledPosition = start;
    MySqlConfig config = connections.config();
    this.client = new BinaryLogClient(config.host(), config.port(), config.username(), config.password());
    client.setServerId(start.serverId());
    client.setKeepAlive(false);
    client.setHeartbeatInterval(end != null ? 1_000 : 10_000);
    client.setConnectTimeout(config.connectTimeoutSeconds() * 1000L);
    client.setEventDeserializer(MySqlBinlogDeserializers.create());
    client.setSSLMode(switch (config.sslMode()) {
      case "require" -> SSLMode.REQUIRED;
      case "verify-ca" -> SSLMode.VERIFY_CA;
      case "verify-full" -> SSLMode.VERIFY_IDENTITY;
      default -> SSLMode.DISABLED;
    });
    if (start.gtids() != null && !start.gtids().isEmpty()) {
      client.setGtidSet(start.gtids());
    } else {
      client.setBinlogFilename(start.file());
      client.setBinlogPosition(start.pos());
    }
    client.registerEventListener(this::onEvent);
    client.registerLifecycleListener(new BinaryLogClient.AbstractLifecycleListener() {
      @Override
      public void onCommunicationFailure(BinaryLogClient failed, Exception e) {
        fail(communicationFailure(e));
      }

      @Override
      public void onEventDeserializationFailure(BinaryLogClient failed, Exception e) {
        fail(new SluiceException(ErrorKind.TRANSIENT, MySqlBinlogStream.this.what + ": cannot decode an event: "
            + MySqlErrorClassifier.reason(e), e));
      }

      @Override
      public void onDisconnect(BinaryLogClient disconnected) {
        if (!closed) {
          fail(new SluiceException(ErrorKind.TRANSIENT, MySqlBinlogStream.this.what + ": the server closed the "
              + "binlog connection"));
        }
      }
    });
  }

  /**
   * Reads the streams' tables, connects the binlog client from the oldest of the request's positions, and returns
   * once the connection is up.
   *
   * @param end for a bounded request, the binlog end when opened; null for an unbounded one
   */
  static MySqlBinlogStream start(MySqlConnections connections, ChangeStreamRequest request,
      MySqlBinlogPosition start, MySqlBinlogPosition end, String what) {
    MySqlBinlogStream stream = new MySqlBinlogStream(connections, request, start, end, what);
    try {
      for (LogEvent.SchemaChange change : stream.layouts.refresh()) {
        stream.queue.add(new Schema(change));
      }
    } catch (SQLException e) {
      throw MySqlErrorClassifier.failure(what, e);
    }
    try {
      stream.client.connect(connections.config().connectTimeoutSeconds() * 1000L);
    } catch (IOException | java.util.concurrent.TimeoutException e) {
      throw stream.communicationFailure(e);
    }
    LOG.info("reading the binlog of {} from {}", connections.config().address(), start.encode());
    return stream;
  }

  private SluiceException communicationFailure(Exception e) {
    String reason = MySqlErrorClassifier.reason(e);
    int code = 0;
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof com.github.shyiko.mysql.binlog.network.ServerException server) {
        code = server.getErrorCode();
      }
    }
    if (code == 1236) {
      // ER_MASTER_FATAL_ERROR_READING_BINLOG: the file, offset or GTID state asked for is not in the binlog any more.
      return new SluiceException(ErrorKind.PERMANENT, what + ": the server no longer has the binlog from the saved "
          + "position (" + reason + "); the changes since the last sync are lost: raise binlog_expire_logs_seconds, "
          + "then run the sync once with --resync all to backfill every cdc stream", e);
    }
    if (code == MySqlErrorClassifier.ACCESS_DENIED || code == MySqlErrorClassifier.SPECIFIC_ACCESS_DENIED) {
      return new SluiceException(ErrorKind.PERMANENT, what + ": " + reason + "; the user needs GRANT REPLICATION "
          + "SLAVE, REPLICATION CLIENT ON *.* (MariaDB: REPLICATION SLAVE, BINLOG MONITOR)", e);
    }
    return new SluiceException(ErrorKind.TRANSIENT, what + ": " + reason, e);
  }

  private void fail(SluiceException error) {
    hand(new Failure(error));
  }

  /** Puts an item on the queue, waiting while it is full; gives up once the stream is closed. */
  private void hand(Item item) {
    try {
      while (!closed) {
        if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- reader thread ----

  private void onEvent(Event event) {
    if (closed || ended) {
      return;
    }
    try {
      handle(event);
    } catch (SluiceException e) {
      ended = true;
      fail(e);
    } catch (IOException | SQLException | RuntimeException e) {
      ended = true;
      fail(new SluiceException(ErrorKind.INTERNAL, what + ": cannot process a " + event.getHeader().getEventType()
          + " event: " + e, e));
    }
  }

  private void handle(Event event) throws IOException, SQLException {
    EventType type = event.getHeader().getEventType();
    long position = event.getHeader() instanceof EventHeaderV4 header ? header.getPosition() : 0;
    long next = event.getHeader() instanceof EventHeaderV4 header ? header.getNextPosition() : 0;
    switch (type) {
      case ROTATE -> {
        RotateEventData rotate = event.getData();
        currentFile = rotate.getBinlogFilename();
        if (transactionStart == null) {
          advance(new MySqlBinlogPosition(currentFile, rotate.getBinlogPosition(), executedGtids, 0,
              lastHanded.serverId()));
        }
      }
      case GTID -> {
        GtidEventData gtid = event.getData();
        begin(position, gtid.getMySqlGtid().toString());
      }
      case MARIADB_GTID -> {
        MariadbGtidEventData gtid = event.getData();
        begin(position, gtid.getDomainId() + "-" + event.getHeader().getServerId() + "-" + gtid.getSequence());
      }
      case ANONYMOUS_GTID -> begin(position, null);
      case TABLE_MAP -> {
        TableMapEventData map = event.getData();
        tableMaps.put(map.getTableId(), map);
      }
      case WRITE_ROWS, EXT_WRITE_ROWS -> {
        WriteRowsEventData rows = event.getData();
        for (Serializable[] row : rows.getRows()) {
          rowChange(rows.getTableId(), null, row, rows.getIncludedColumns().cardinality(), event);
        }
      }
      case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
        UpdateRowsEventData rows = event.getData();
        for (Map.Entry<Serializable[], Serializable[]> row : rows.getRows()) {
          rowChange(rows.getTableId(), row.getKey(), row.getValue(), rows.getIncludedColumns().cardinality(), event);
        }
      }
      case DELETE_ROWS, EXT_DELETE_ROWS -> {
        DeleteRowsEventData rows = event.getData();
        for (Serializable[] row : rows.getRows()) {
          rowChange(rows.getTableId(), row, null, rows.getIncludedColumns().cardinality(), event);
        }
      }
      case XID -> commit(next);
      case QUERY -> query(event.getData(), position, next);
      case HEARTBEAT -> {
        if (end != null && transactionStart == null && atOrPastEnd(next)) {
          finish();
        }
      }
      default -> {
        // FORMAT_DESCRIPTION, PREVIOUS_GTIDS, MARIADB_GTID_LIST, ANNOTATE_ROWS, ROWS_QUERY...: nothing to do.
      }
    }
  }

  private void begin(long position, String gtid) {
    transactionStart = new MySqlBinlogPosition(currentFile, position, executedGtids, 0, lastHanded.serverId());
    transactionGtid = gtid;
    rowsInTransaction = 0;
  }

  private void query(QueryEventData query, long position, long next) throws SQLException {
    String sql = query.getSql() == null ? "" : query.getSql().strip();
    String upper = sql.length() > 16 ? sql.substring(0, 16).toUpperCase(Locale.ROOT) : sql.toUpperCase(Locale.ROOT);
    if (upper.startsWith("BEGIN") || upper.startsWith("XA START")) {
      if (transactionStart == null) {
        begin(position, null);
      }
      return;
    }
    if (upper.startsWith("COMMIT") || upper.startsWith("XA COMMIT") || upper.startsWith("XA END")
        || upper.startsWith("XA PREPARE")) {
      if (upper.startsWith("COMMIT") || upper.startsWith("XA COMMIT")) {
        commit(next);
      }
      return;
    }
    if (upper.startsWith("ROLLBACK") || upper.startsWith("SAVEPOINT")) {
      return;
    }
    // Anything else is a statement logged as such: DDL (its own transaction) or a non-row statement.
    if (transactionStart == null) {
      begin(position, null);
    }
    refuseTruncate(query.getDatabase(), sql);
    for (LogEvent.SchemaChange change : layouts.refresh()) {
      LOG.info("{}: columns changed in the source: {}", change.stream(), change.columns().stream()
          .map(column -> column.name() + " " + column.type()).toList());
      hand(new Schema(change));
    }
    commit(next);
  }

  private void refuseTruncate(String database, String sql) {
    Matcher matcher = TRUNCATE.matcher(sql);
    if (!matcher.find()) {
      return;
    }
    String first = matcher.group(1) != null ? matcher.group(1).replace("``", "`") : matcher.group(2);
    String second = matcher.group(3) != null ? matcher.group(3).replace("``", "`") : matcher.group(4);
    Optional<StreamId> stream = second == null ? layouts.stream(database, first) : layouts.stream(first, second);
    if (stream.isPresent()) {
      throw new SluiceException(ErrorKind.PERMANENT, what + ": " + stream.get() + " was truncated in the source, "
          + "which the binlog carries as a statement, not as row deletes; run the sync once with --resync "
          + stream.get() + " to load it again");
    }
  }

  private void commit(long next) {
    if (transactionGtid != null && executedGtids != null) {
      executedGtids = MySqlGtids.add(executedGtids, transactionGtid);
    } else if (transactionGtid != null && MySqlGtids.isMariaDb(transactionGtid)) {
      executedGtids = MySqlGtids.add("", transactionGtid);
    }
    transactionStart = null;
    transactionGtid = null;
    rowsInTransaction = 0;
    advance(new MySqlBinlogPosition(currentFile, next, executedGtids, 0, lastHanded.serverId()));
    if (end != null && atOrPastEnd(next)) {
      finish();
    }
  }

  private boolean atOrPastEnd(long next) {
    long file = MySqlBinlogPosition.fileSequence(currentFile);
    long endFile = MySqlBinlogPosition.fileSequence(end.file());
    return file > endFile || (file == endFile && next >= end.pos());
  }

  private void finish() {
    ended = true;
    hand(new End());
  }

  private void advance(MySqlBinlogPosition position) {
    if (position.compareTo(lastHanded) > 0) {
      lastHanded = position;
      hand(new Advance(position));
    }
  }

  private void rowChange(long tableId, Serializable[] before, Serializable[] after, int included, Event event)
      throws IOException {
    if (transactionStart == null) {
      // Row events outside BEGIN ... COMMIT do not happen in ROW format; treat them as their own transaction.
      begin(0, null);
    }
    rowsInTransaction++;
    TableMapEventData map = tableMaps.get(tableId);
    if (map == null) {
      throw new SluiceException(ErrorKind.TRANSIENT, what + ": a row event came without its table map");
    }
    Optional<StreamId> stream = layouts.stream(map.getDatabase(), map.getTable());
    if (stream.isEmpty()) {
      return;
    }
    MySqlBinlogPosition position = transactionStart.afterRows(rowsInTransaction);
    if (position.compareTo(resumeAt.get(stream.get())) <= 0) {
      return;
    }
    if (included != map.getColumnTypes().length) {
      throw new SluiceException(ErrorKind.PERMANENT, what + ": the binlog has only " + included + " of "
          + map.getColumnTypes().length + " columns of " + stream.get() + " in its row images; set "
          + "binlog_row_image = FULL on the server");
    }
    List<String> names = map.getEventMetadata() != null && map.getEventMetadata().getColumnNames() != null
        && !map.getEventMetadata().getColumnNames().isEmpty()
        ? map.getEventMetadata().getColumnNames() : layouts.shapeNames(stream.get());
    Instant timestamp = Instant.ofEpochMilli(event.getHeader().getTimestamp());
    List<LogEvent> events = new ArrayList<>(2);
    int size = 0;
    if (before == null) {
      Object[] values = values(stream.get(), names, after);
      size = sizeOf(values);
      events.add(new LogEvent.RowChange(stream.get(), ChangeEvent.insert(values, size, timestamp)));
    } else if (after == null) {
      Object[] values = values(stream.get(), names, before);
      size = sizeOf(values);
      events.add(new LogEvent.RowChange(stream.get(), ChangeEvent.delete(values, size, timestamp)));
    } else {
      Object[] old = values(stream.get(), names, before);
      Object[] values = values(stream.get(), names, after);
      size = sizeOf(values);
      if (!sameKey(stream.get(), old, values)) {
        events.add(new LogEvent.RowChange(stream.get(), ChangeEvent.delete(old, size, timestamp)));
        events.add(new LogEvent.RowChange(stream.get(), ChangeEvent.insert(values, size, timestamp)));
      } else {
        events.add(new LogEvent.RowChange(stream.get(), ChangeEvent.update(values, size, timestamp)));
      }
    }
    hand(new Rows(events, position, size));
    lastHanded = position;
  }

  private Object[] values(StreamId stream, List<String> names, Serializable[] row) throws IOException {
    List<Column> columns = layouts.columns(stream);
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      String name = columns.get(i).name();
      int index = names.indexOf(name);
      Optional<MySqlColumn> column = layouts.shapeColumn(stream, name);
      if (index >= 0 && index < row.length && column.isPresent()) {
        values[i] = MySqlBinlogValues.convert(row[index], column.get());
      }
    }
    return values;
  }

  private boolean sameKey(StreamId stream, Object[] before, Object[] after) {
    List<Column> columns = layouts.columns(stream);
    for (int i = 0; i < columns.size(); i++) {
      if (keyColumn(stream, columns.get(i).name()) && !java.util.Objects.deepEquals(before[i], after[i])) {
        return false;
      }
    }
    return true;
  }

  private boolean keyColumn(StreamId stream, String name) {
    return keys.getOrDefault(stream, List.of()).contains(name);
  }

  private static int sizeOf(Object[] values) {
    int size = 0;
    for (Object value : values) {
      size += MySqlResultValues.size(value);
    }
    return size;
  }

  // ---- engine thread ----

  @Override
  public ChangeBatch poll(Duration timeout) throws InterruptedException {
    List<LogEvent> events = new ArrayList<>();
    long bytes = 0;
    MySqlBinlogPosition position = polledPosition;
    if (endReached) {
      return new ChangeBatch(events, position.encode(), true);
    }
    Item item = pending != null ? pending : queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    pending = null;
    while (item != null) {
      if (item instanceof Failure failure) {
        pending = item;
        if (events.isEmpty()) {
          throw failure.error();
        }
        break;
      }
      if (item instanceof End) {
        endReached = true;
        break;
      }
      if (item instanceof Schema schema) {
        if (!events.isEmpty()) {
          pending = item;
          break;
        }
        events.add(schema.change());
      } else if (item instanceof Rows rows) {
        events.addAll(rows.events());
        bytes += rows.sizeBytes();
        position = rows.position();
      } else if (item instanceof Advance advance) {
        position = advance.position();
      }
      if (events.size() >= MAX_BATCH_EVENTS || bytes >= MAX_BATCH_BYTES) {
        break;
      }
      item = queue.poll();
    }
    polledPosition = position;
    return new ChangeBatch(events, position.encode(), endReached);
  }

  /** The binlog is kept by the server for its retention time, whatever readers acknowledge: nothing to do. */
  @Override
  public void acknowledge(String position) {}

  @Override
  public void close() {
    closed = true;
    queue.clear();
    try {
      client.disconnect();
    } catch (IOException e) {
      LOG.debug("cannot disconnect the binlog client: {}", e.getMessage());
    }
  }
}
