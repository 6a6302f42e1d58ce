package io.sluice.source.mysql;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import io.sluice.spi.ChangeBatch;
import io.sluice.spi.ChangeStream;
import io.sluice.spi.ChangeStreamRequest;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.LogEvent;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the binary log for a set of cdc streams. The binlog client runs on its own thread and hands decoded items to
 * {@link #poll} through a bounded queue, so a slow destination slows the reading rather than filling the heap.
 *
 * <p>The client's thread turns events into items with {@link MySqlBinlogEvents}. An update that changes the key
 * becomes a delete and an insert that share one item, and so one position, and are never split between batches.
 *
 * <p>A bounded stream ends at the binlog end read when it was opened: at the first commit at or past it, or, when
 * nothing was written since, at the first heartbeat the server sends while idle (every second).
 */
final class MySqlBinlogStream implements ChangeStream {
  private static final Logger LOG = LoggerFactory.getLogger(MySqlBinlogStream.class);
  private static final int MAX_BATCH_EVENTS = 2_000;
  private static final long MAX_BATCH_BYTES = 8L << 20;
  private static final int SILENT_HEARTBEATS = 3;

  private final BinaryLogClient client;
  private final BlockingQueue<MySqlBinlogItem> queue = new ArrayBlockingQueue<>(4_096);
  private final MySqlStreamLayouts layouts;
  /** The reader thread's state machine; used on that thread only. */
  private final MySqlBinlogEvents events;
  private final String what;
  private volatile boolean closed;
  /** How often an idle server sends a heartbeat; silence for {@link #SILENT_HEARTBEATS} of them means it is gone. */
  private final long heartbeatMillis;
  private volatile long lastEventMillis = System.currentTimeMillis();

  // Poll-thread state.
  private MySqlBinlogItem pending;
  private MySqlBinlogPosition polledPosition;
  private boolean endReached;

  private MySqlBinlogStream(MySqlConnections connections, ChangeStreamRequest request, MySqlBinlogPosition start,
      MySqlBinlogPosition end, String what) {
    this.layouts = new MySqlStreamLayouts(MySqlStreamLayouts.catalog(connections), request.streams());
    this.what = what;
    Map<StreamId, MySqlBinlogPosition> resumeAt = new HashMap<>();
    Map<StreamId, List<String>> keys = new HashMap<>();
    for (StreamSpec stream : request.streams()) {
      resumeAt.put(stream.source(), MySqlBinlogPosition.decode(request.positions().get(stream.source())));
      keys.put(stream.source(), stream.primaryKey());
    }
    this.events = new MySqlBinlogEvents(layouts, resumeAt, keys, start, end, what, this::hand);
    this.polledPosition = start;
    MySqlConfig config = connections.config();
    this.client = new BinaryLogClient(config.host(), config.port(), config.username(), config.password());
    client.setServerId(start.serverId());
    client.setKeepAlive(false);
    this.heartbeatMillis = end != null ? 1_000 : 10_000;
    client.setHeartbeatInterval(heartbeatMillis);
    client.setConnectTimeout(config.connectTimeoutSeconds() * 1000L);
    client.setEventDeserializer(MySqlBinlogDeserializers.create());
    client.setSSLMode(switch (config.sslMode()) {
      case "require" -> SSLMode.REQUIRED;
      // verify-full's host check is done by the socket factory below.
      case "verify-ca", "verify-full" -> SSLMode.VERIFY_CA;
      default -> SSLMode.DISABLED;
    });
    if (config.sslMode().startsWith("verify")) {
      client.setSslSocketFactory(MySqlBinlogTls.trusting(java.nio.file.Path.of(config.sslRootCert().orElseThrow()),
          config.host(), config.sslMode().equals("verify-full")));
    }
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
        stream.queue.add(new MySqlBinlogItem.Schema(change));
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
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof javax.net.ssl.SSLException || cause instanceof java.security.GeneralSecurityException) {
        return new SluiceException(ErrorKind.PERMANENT, what + ": TLS failed: " + reason + "; check ssl_mode and "
            + "ssl_root_cert", e);
      }
    }
    if (code == MySqlErrorClassifier.ACCESS_DENIED || code == MySqlErrorClassifier.SPECIFIC_ACCESS_DENIED) {
      return new SluiceException(ErrorKind.PERMANENT, what + ": " + reason + "; the user needs GRANT REPLICATION "
          + "SLAVE, REPLICATION CLIENT ON *.* (MariaDB: REPLICATION SLAVE, BINLOG MONITOR)", e);
    }
    return new SluiceException(ErrorKind.TRANSIENT, what + ": " + reason, e);
  }

  private void fail(SluiceException error) {
    hand(new MySqlBinlogItem.Failure(error));
  }

  /** Puts an item on the queue, waiting while it is full; gives up once the stream is closed. */
  private void hand(MySqlBinlogItem item) {
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
    lastEventMillis = System.currentTimeMillis();
    if (closed || events.ended()) {
      return;
    }
    try {
      events.handle(event);
    } catch (SluiceException e) {
      events.stop();
      fail(e);
    } catch (IOException | SQLException | RuntimeException e) {
      events.stop();
      fail(new SluiceException(ErrorKind.INTERNAL, what + ": cannot process a " + event.getHeader().getEventType()
          + " event: " + e, e));
    }
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
    MySqlBinlogItem item = pending != null ? pending : queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    long silence = System.currentTimeMillis() - lastEventMillis;
    if (item == null && silence > SILENT_HEARTBEATS * heartbeatMillis) {
      // A server that died without closing the connection (power loss, a network partition) sends nothing, not
      // even heartbeats: give up on the connection so the engine retries from the last commit.
      throw new SluiceException(ErrorKind.TRANSIENT, what + ": no event or heartbeat from the server for "
          + silence / 1000 + " s (heartbeats are due every " + heartbeatMillis / 1000 + " s); the connection is "
          + "presumed dead");
    }
    pending = null;
    while (item != null) {
      if (item instanceof MySqlBinlogItem.Failure failure) {
        pending = item;
        if (events.isEmpty()) {
          throw failure.error();
        }
        break;
      }
      if (item instanceof MySqlBinlogItem.End) {
        endReached = true;
        break;
      }
      if (item instanceof MySqlBinlogItem.Schema schema) {
        if (!events.isEmpty()) {
          pending = item;
          break;
        }
        events.add(schema.change());
      } else if (item instanceof MySqlBinlogItem.Rows rows) {
        events.addAll(rows.events());
        bytes += rows.sizeBytes();
        position = rows.position();
      } else if (item instanceof MySqlBinlogItem.Advance advance) {
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
