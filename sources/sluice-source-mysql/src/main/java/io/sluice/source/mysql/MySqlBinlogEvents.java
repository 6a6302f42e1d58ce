package io.sluice.source.mysql;

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
import io.sluice.spi.ChangeEvent;
import io.sluice.spi.Column;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.LogEvent;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamId;
import java.io.IOException;
import java.io.Serializable;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns binlog events, in log order, into {@link MySqlBinlogItem}s: the state machine of the binlog reader thread,
 * kept apart from the client so that recorded events of either server flavour can drive it in tests.
 *
 * <p>Transactions are tracked from their GTID (MySQL {@code uuid:n}, MariaDB {@code domain-server-seq}, or an
 * anonymous GTID or BEGIN without GTIDs) to their XID, COMMIT or DDL statement. Every row change gets the position
 * "this transaction's start, after n row changes" ({@link MySqlBinlogPosition}); a change at or before its stream's
 * resume position was applied already and is dropped. A commit advances the position to the next transaction's
 * start and adds the transaction's GTID to the set. Not thread-safe.
 */
final class MySqlBinlogEvents {
  private static final Logger LOG = LoggerFactory.getLogger(MySqlBinlogEvents.class);
  private static final Pattern TRUNCATE = Pattern.compile(
      "^\\s*TRUNCATE\\s+(?:TABLE\\s+)?(?:`((?:[^`]|``)+)`|(\\w+))(?:\\s*\\.\\s*(?:`((?:[^`]|``)+)`|(\\w+)))?",
      Pattern.CASE_INSENSITIVE);

  private final MySqlStreamLayouts layouts;
  private final Map<StreamId, MySqlBinlogPosition> resumeAt;
  private final Map<StreamId, List<String>> keys;
  private final MySqlBinlogPosition end;
  private final String what;
  private final Consumer<MySqlBinlogItem> hand;
  private final Map<Long, TableMapEventData> tableMaps = new HashMap<>();

  private String currentFile;
  private String executedGtids;
  private MySqlBinlogPosition transactionStart;
  private String transactionGtid;
  private long rowsInTransaction;
  private MySqlBinlogPosition lastHanded;
  private boolean ended;

  /**
   * @param resumeAt each stream's resume position: its changes at or before it are dropped
   * @param keys each stream's key columns, which decide whether an update moves a row
   * @param start where reading starts (the oldest resume position)
   * @param end for a bounded read, the binlog end when opened; null otherwise
   * @param hand receives the items, in order
   */
  MySqlBinlogEvents(MySqlStreamLayouts layouts, Map<StreamId, MySqlBinlogPosition> resumeAt,
      Map<StreamId, List<String>> keys, MySqlBinlogPosition start, MySqlBinlogPosition end, String what,
      Consumer<MySqlBinlogItem> hand) {
    this.layouts = layouts;
    this.resumeAt = Map.copyOf(resumeAt);
    this.keys = Map.copyOf(keys);
    this.end = end;
    this.what = what;
    this.hand = hand;
    this.currentFile = start.file();
    this.executedGtids = start.gtids();
    this.lastHanded = start;
  }

  /** Whether the bounded end was reached, or handling failed: later events are ignored. */
  boolean ended() {
    return ended;
  }

  /** Stops handling events, e.g. after a failure. */
  void stop() {
    ended = true;
  }

  /** Handles one event of the log, in log order. */
  void handle(Event event) throws IOException, SQLException {
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
      hand.accept(new MySqlBinlogItem.Schema(change));
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
    hand.accept(new MySqlBinlogItem.End());
  }

  private void advance(MySqlBinlogPosition position) {
    if (position.compareTo(lastHanded) > 0) {
      lastHanded = position;
      hand.accept(new MySqlBinlogItem.Advance(position));
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
    hand.accept(new MySqlBinlogItem.Rows(events, position, size));
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

}
