package io.sluice.source.postgres;

import io.sluice.source.postgres.PgOutputMessage.Begin;
import io.sluice.source.postgres.PgOutputMessage.Commit;
import io.sluice.source.postgres.PgOutputMessage.Delete;
import io.sluice.source.postgres.PgOutputMessage.Insert;
import io.sluice.source.postgres.PgOutputMessage.Relation;
import io.sluice.source.postgres.PgOutputMessage.Truncate;
import io.sluice.source.postgres.PgOutputMessage.Tuple;
import io.sluice.source.postgres.PgOutputMessage.Update;
import io.sluice.source.postgres.PostgresBinaryDecoders.Anomalies;
import io.sluice.spi.ChangeBatch;
import io.sluice.spi.ChangeEvent;
import io.sluice.spi.ChangeStream;
import io.sluice.spi.ChangeStreamRequest;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.LogEvent;
import io.sluice.spi.Operation;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open pgoutput stream of a replication slot, read by one engine thread: messages become batches of
 * {@link LogEvent}s, each stream's events at or before its own position are skipped, and values the log does not
 * carry are read back by key ({@link PostgresRowLookup}).
 *
 * <p>Positions ({@link PostgresLogPosition}) advance with every row message of a transaction, with every commit,
 * and with Sluice's own logical decoding messages ({@code pg_logical_emit_message(false, 'sluice', ...)}): when
 * one arrives, every transaction that committed before it has been sent. (The WAL position in keepalives is the
 * server's end of WAL, which transactions still being decoded may lie behind, so it cannot move a position.) A
 * bounded stream ends at the marker message it emits when it opens; an idle unbounded stream emits a heartbeat
 * message now and then, so that acknowledging its position releases WAL even when no published table changes.
 * Without the right to emit messages, a bounded stream ends after a few idle seconds, and an idle one holds WAL
 * until a published table changes.
 */
final class PostgresReplicationStream implements ChangeStream {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresReplicationStream.class);
  private static final int MAX_EVENTS = 2_000;
  private static final long MAX_BYTES = 8L * 1024 * 1024;
  private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
  private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long IDLE_END_NANOS = TimeUnit.SECONDS.toNanos(3);
  static final String MESSAGE_PREFIX = "sluice";

  private final Connection connection;
  private final PGReplicationStream stream;
  private final PostgresConnections connections;
  private final String what;
  private final boolean bounded;
  private final String endMarker;
  private final Connection messages;
  private boolean canEmit = true;
  private final Map<String, StreamSpec> byTable = new HashMap<>();
  private final Map<StreamId, PostgresLogPosition> startPositions = new HashMap<>();
  private final Map<Integer, PostgresRelationLayout> layouts = new HashMap<>();
  private final Map<Integer, StreamId> relationStreams = new HashMap<>();
  private final Anomalies anomalies = new Anomalies();
  private final PostgresRowLookup lookup;

  private PostgresLogPosition position;
  private boolean inTransaction;
  private long transactionLsn;
  private Instant transactionTime;
  private long messageIndex;
  private boolean endReached;
  private Relation stashed;
  private long lastActivity = System.nanoTime();

  private PostgresReplicationStream(Connection connection, PGReplicationStream stream, PostgresConnections connections,
      ChangeStreamRequest request, PostgresLogPosition start, String what) {
    this.connection = connection;
    this.stream = stream;
    this.connections = connections;
    this.what = what;
    this.bounded = request.bounded();
    this.endMarker = "end " + java.util.UUID.randomUUID();
    this.messages = connections.open();
    this.position = start;
    this.lookup = new PostgresRowLookup(connections);
    for (StreamSpec spec : request.streams()) {
      byTable.put(tableKey(spec.source().namespace(), spec.source().name()), spec);
      startPositions.put(spec.source(), PostgresLogPosition.decode(request.positions().get(spec.source())));
    }
  }

  /** Starts streaming the slot from the oldest position of the request. */
  static PostgresReplicationStream start(PostgresConnections connections, PostgresReplicationConfig replication,
      ChangeStreamRequest request, String what) {
    PostgresLogPosition start = request.positions().values().stream().map(PostgresLogPosition::decode)
        .min(PostgresLogPosition::compareTo).orElseThrow();
    Connection connection = connections.openReplication();
    try {
      PGReplicationStream stream = connection.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
          .logical()
          .withSlotName(replication.slot())
          .withStartPosition(LogSequenceNumber.valueOf(start.resumeLsn()))
          .withSlotOption("proto_version", "1")
          .withSlotOption("publication_names", replication.publication())
          .withSlotOption("binary", "true")
          .withSlotOption("messages", "true")
          .withStatusInterval(5, TimeUnit.SECONDS)
          .start();
      LOG.info("streaming replication slot \"{}\" from {}{}", replication.slot(), start,
          request.bounded() ? " to its current end" : "");
      PostgresReplicationStream opened = new PostgresReplicationStream(connection, stream, connections, request,
          start, what);
      if (request.bounded()) {
        opened.emit(opened.endMarker);
      }
      return opened;
    } catch (SQLException e) {
      PostgresChangeLog.close(connection);
      throw PostgresErrorClassifier.failure(what, e);
    }
  }

  @Override
  public ChangeBatch poll(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<LogEvent> events = new ArrayList<>();
    Map<StreamId, List<Object[]>> unresolved = new LinkedHashMap<>();
    long bytes = 0;
    try {
      if (stashed != null) {
        Relation relation = stashed;
        stashed = null;
        relation(relation, events);
      }
      while (!endReached && events.size() < MAX_EVENTS && bytes < MAX_BYTES) {
        if (Thread.interrupted()) {
          throw new InterruptedException("Stopped reading the change log");
        }
        ByteBuffer buffer = stream.readPending();
        if (buffer == null) {
          idle();
          if (!events.isEmpty() || endReached || System.nanoTime() >= deadline) {
            break;
          }
          Thread.sleep(2);
          continue;
        }
        bytes += buffer.remaining();
        lastActivity = System.nanoTime();
        PgOutputMessage message = PgOutputMessage.parse(buffer);
        if (message instanceof Begin begin) {
          inTransaction = true;
          transactionLsn = begin.finalLsn();
          transactionTime = instant(begin.commitMicros());
          messageIndex = -1;
        } else if (message instanceof Commit commit) {
          inTransaction = false;
          position = max(position, new PostgresLogPosition(commit.commitLsn(), PostgresLogPosition.COMPLETE));
        } else if (message instanceof PgOutputMessage.Message marker) {
          if (!marker.transactional() && MESSAGE_PREFIX.equals(marker.prefix()) && !inTransaction) {
            // Every transaction that committed before the message has been sent.
            position = max(position, PostgresLogPosition.before(marker.lsn()));
            endReached |= marker.content().equals(endMarker);
          }
        } else if (message instanceof Relation relation) {
          if (!events.isEmpty() && wouldChange(relation)) {
            stashed = relation; // a schema change starts a batch of its own
            break;
          }
          relation(relation, events);
        } else if (message instanceof Truncate truncate) {
          truncated(truncate);
        } else if (message instanceof Insert insert) {
          row(insert.relation(), null, insert.tuple(), Operation.INSERT, buffer.remaining(), events, unresolved);
        } else if (message instanceof Update update) {
          row(update.relation(), update.old(), update.tuple(), Operation.UPDATE, buffer.remaining(), events,
              unresolved);
        } else if (message instanceof Delete delete) {
          row(delete.relation(), delete.old(), null, Operation.DELETE, buffer.remaining(), events, unresolved);
        }
      }
    } catch (SQLException e) {
      throw new SluiceException(ErrorKind.TRANSIENT, what + ": the replication connection broke: "
          + PostgresErrorClassifier.reason(e) + "; the next run resumes from the last commit", e);
    } catch (IllegalArgumentException e) {
      throw new SluiceException(ErrorKind.INTERNAL, what + ": cannot read a pgoutput message at " + position + ": "
          + e.getMessage(), e);
    }
    resolve(unresolved);
    return new ChangeBatch(events, position.encode(), endReached);
  }

  /**
   * Between messages: an unbounded stream emits a heartbeat when idle for a while; a bounded stream that cannot
   * emit its end marker ends after a few idle seconds (it stops early at worst; it never skips a change).
   */
  private void idle() {
    long idleFor = System.nanoTime() - lastActivity;
    if (inTransaction) {
      return;
    }
    if (bounded && !canEmit && idleFor > IDLE_END_NANOS) {
      endReached = true;
    } else if (!bounded && canEmit && idleFor > HEARTBEAT_NANOS) {
      lastActivity = System.nanoTime();
      emit("heartbeat");
    }
  }

  /** Writes a non-transactional logical decoding message, which comes back through this stream in WAL order. */
  private void emit(String content) {
    try (java.sql.PreparedStatement statement = messages.prepareStatement(
        "SELECT pg_catalog.pg_logical_emit_message(false, ?, ?)")) {
      statement.setString(1, MESSAGE_PREFIX);
      statement.setString(2, content);
      statement.execute();
    } catch (SQLException e) {
      canEmit = false;
      LOG.warn("{}: cannot write logical decoding messages ({}); {}", what, PostgresErrorClassifier.reason(e),
          bounded ? "this run ends after a few idle seconds instead of at the log's end"
              : "while no published table changes, the slot keeps WAL (GRANT EXECUTE ON FUNCTION "
                  + "pg_logical_emit_message(boolean, text, text) to the role to fix it)");
    }
  }

  private boolean wouldChange(Relation relation) {
    StreamSpec spec = byTable.get(tableKey(relation.namespace(), relation.name()));
    return spec != null && layoutFor(relation, spec).changed();
  }

  private void relation(Relation relation, List<LogEvent> events) {
    StreamSpec spec = byTable.get(tableKey(relation.namespace(), relation.name()));
    if (spec == null) {
      layouts.remove(relation.oid());
      relationStreams.remove(relation.oid());
      return;
    }
    PostgresRelationLayout layout = layoutFor(relation, spec);
    layouts.put(relation.oid(), layout);
    relationStreams.put(relation.oid(), spec.source());
    if (layout.changed()) {
      byTable.put(tableKey(relation.namespace(), relation.name()), layout.stream());
      events.add(new LogEvent.SchemaChange(spec.source(), layout.stream().columns()));
      LOG.info("{}: the table's columns changed in the log: {}", spec.source(),
          layout.stream().columns().stream().map(c -> c.name() + " " + c.type()).toList());
    }
  }

  private PostgresRelationLayout layoutFor(Relation relation, StreamSpec spec) {
    Map<String, PostgresCatalogQueries.Column> catalog = new HashMap<>();
    try (Connection catalogConnection = connections.open()) {
      PostgresCatalogQueries.table(catalogConnection, relation.namespace(), relation.name()).ifPresent(table -> {
        try {
          for (PostgresCatalogQueries.Column column
              : PostgresCatalogQueries.columns(catalogConnection, List.of(table.oid())).get(table.oid())) {
            catalog.put(column.name(), column);
          }
        } catch (SQLException e) {
          throw PostgresErrorClassifier.failure(what + ": cannot read the columns of " + spec.source(), e);
        }
      });
    } catch (SQLException e) {
      throw PostgresErrorClassifier.failure(what + ": cannot read the columns of " + spec.source(), e);
    }
    return PostgresRelationLayout.of(relation, spec, catalog, anomalies);
  }

  private void truncated(Truncate truncate) {
    for (int relation : truncate.relations()) {
      StreamId stream = relationStreams.get(relation);
      if (stream != null) {
        throw new SluiceException(ErrorKind.PERMANENT, "Cannot apply TRUNCATE of " + stream + " from the change "
            + "log: a truncate removes rows without naming them; run the sync with --resync " + stream
            + " to load the table again");
      }
    }
  }

  private void row(int relation, Tuple old, Tuple tuple, Operation operation, int size, List<LogEvent> events,
      Map<StreamId, List<Object[]>> unresolved) {
    messageIndex++;
    PostgresRelationLayout layout = layouts.get(relation);
    StreamId stream = relationStreams.get(relation);
    PostgresLogPosition at = new PostgresLogPosition(transactionLsn, messageIndex);
    position = max(position, at);
    if (layout == null || stream == null || at.compareTo(startPositions.get(stream)) <= 0) {
      return;
    }
    if (operation == Operation.DELETE) {
      Object[] values = layout.values(old);
      nullUnresolved(values);
      events.add(new LogEvent.RowChange(stream, ChangeEvent.delete(values, size, transactionTime)));
      return;
    }
    Object[] values = layout.values(tuple);
    if (old != null) {
      // The key changed (pgoutput sends the old key then): the row under the old key goes away.
      Object[] oldValues = layout.values(old);
      Optional<List<Object>> oldKey = layout.key(oldValues);
      if (oldKey.isPresent() && !oldKey.equals(layout.key(values))) {
        nullUnresolved(oldValues);
        events.add(new LogEvent.RowChange(stream, ChangeEvent.delete(oldValues, size, transactionTime)));
      }
    }
    if (hasUnresolved(values)) {
      unresolved.computeIfAbsent(stream, s -> new ArrayList<>()).add(values);
    }
    events.add(new LogEvent.RowChange(stream, operation == Operation.INSERT
        ? ChangeEvent.insert(values, size, transactionTime) : ChangeEvent.update(values, size, transactionTime)));
  }

  /** Fills values the log did not carry from the rows as they are now; a row gone since gives nulls. */
  private void resolve(Map<StreamId, List<Object[]>> unresolved) throws InterruptedException {
    for (Map.Entry<StreamId, List<Object[]>> entry : unresolved.entrySet()) {
      StreamSpec spec = byTable.values().stream().filter(s -> s.source().equals(entry.getKey())).findFirst()
          .orElseThrow();
      List<List<Object>> keys = new ArrayList<>();
      int[] keyIndexes = spec.primaryKey().stream().mapToInt(spec::columnIndex).toArray();
      for (Object[] values : entry.getValue()) {
        keys.add(keyOf(values, keyIndexes));
      }
      Map<List<Object>, Object[]> current = lookup.fetch(spec, keys);
      for (Object[] values : entry.getValue()) {
        Object[] row = current.get(keyOf(values, keyIndexes));
        for (int i = 0; i < values.length; i++) {
          if (values[i] == PostgresRelationLayout.UNRESOLVED) {
            values[i] = row == null || i >= row.length ? null : row[i];
          }
        }
      }
    }
  }

  private static List<Object> keyOf(Object[] values, int[] keyIndexes) {
    List<Object> key = new ArrayList<>(keyIndexes.length);
    for (int index : keyIndexes) {
      key.add(values[index]);
    }
    return key;
  }

  private static boolean hasUnresolved(Object[] values) {
    for (Object value : values) {
      if (value == PostgresRelationLayout.UNRESOLVED) {
        return true;
      }
    }
    return false;
  }

  private static void nullUnresolved(Object[] values) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == PostgresRelationLayout.UNRESOLVED) {
        values[i] = null;
      }
    }
  }

  @Override
  public void acknowledge(String encoded) {
    PostgresLogPosition acknowledged = PostgresLogPosition.decode(encoded);
    LogSequenceNumber lsn = LogSequenceNumber.valueOf(acknowledged.resumeLsn());
    stream.setFlushedLSN(lsn);
    stream.setAppliedLSN(lsn);
    try {
      stream.forceUpdateStatus();
    } catch (SQLException e) {
      // The next status update (or the next run) carries it; nothing is lost by acknowledging late.
      LOG.warn("{}: cannot acknowledge {} now: {}", what, acknowledged, PostgresErrorClassifier.reason(e));
    }
  }

  @Override
  public void close() {
    try {
      stream.close();
    } catch (SQLException e) {
      LOG.debug("{}: closing the stream: {}", what, e.getMessage());
    }
    PostgresChangeLog.close(connection);
    PostgresChangeLog.close(messages);
  }

  private static PostgresLogPosition max(PostgresLogPosition a, PostgresLogPosition b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Instant instant(long microsSince2000) {
    return Instant.ofEpochSecond(POSTGRES_EPOCH_SECONDS + Math.floorDiv(microsSince2000, 1_000_000L),
        Math.floorMod(microsSince2000, 1_000_000L) * 1_000L);
  }

  private static String tableKey(String namespace, String name) {
    return Objects.requireNonNull(namespace) + "\u0000" + name;
  }
}
