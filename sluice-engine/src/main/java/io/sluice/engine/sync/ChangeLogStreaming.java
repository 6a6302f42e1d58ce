package io.sluice.engine.sync;

import io.sluice.engine.pipeline.BoundedChannel;
import io.sluice.engine.progress.StreamProgress;
import io.sluice.engine.state.ChangeLogProgress;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.state.SyncState;
import io.sluice.spi.ChangeBatch;
import io.sluice.spi.ChangeLogSource;
import io.sluice.spi.ChangeStream;
import io.sluice.spi.ChangeStreamRequest;
import io.sluice.spi.Destination;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.LogEvent;
import io.sluice.spi.SluiceException;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.WriteMode;
import io.sluice.spi.WriteRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the change log into the destination: a reader thread polls the source's {@link ChangeStream} into a
 * bounded channel, and the calling thread applies each batch to the streams' writers and checkpoints.
 *
 * <p>A checkpoint is the commit order of DESIGN §3: every writer with pending changes commits them together with
 * the batch position they reach (the destination keeps it with the data), then the state file records that
 * position for every streamed stream, and only then is the source told it may release the log up to it. The
 * acknowledgement is handed to the reader thread, which owns the stream, and sent before its next poll.
 *
 * <p>Checkpoints happen every {@link ChangeLogOptions#commitInterval()}, when
 * {@link ChangeLogOptions#commitEvents()} changes are pending, before a schema change, at the end of a bounded
 * run, and when interrupted (so a signal commits what was applied, then stops).
 */
final class ChangeLogStreaming {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeLogStreaming.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final int CHANNEL_BATCHES = 8;
  private static final long CHANNEL_BYTES = 32L * 1024 * 1024;
  static final String LOAD_ID = "change-log";

  private final ChangeLogSource log;
  private final Destination destination;
  private final List<StreamSpec> streamed;
  private final List<StreamSpec> all;
  private final StateStore state;
  private final Map<StreamId, StreamProgress> progress;
  private final ChangeLogOptions options;
  private final Clock clock;

  private final Map<StreamId, StreamSpec> specs = new LinkedHashMap<>();
  private final Map<StreamId, StreamWriter> writers = new LinkedHashMap<>();
  private final Map<StreamId, Long> pending = new LinkedHashMap<>();
  private final AtomicReference<String> acknowledgement = new AtomicReference<>();
  private long pendingTotal;
  private String appliedPosition;
  private String checkpointedPosition;
  private Instant lastCheckpoint;

  /**
   * @param streamed the streams to replay (backfilled)
   * @param all every change-log stream of the sync; those not streamed hold back the acknowledgement
   */
  ChangeLogStreaming(ChangeLogSource log, Destination destination, List<StreamSpec> streamed, List<StreamSpec> all,
      StateStore state, Map<StreamId, StreamProgress> progress, ChangeLogOptions options, Clock clock) {
    this.log = log;
    this.destination = destination;
    this.streamed = List.copyOf(streamed);
    this.all = List.copyOf(all);
    this.state = state;
    this.progress = progress;
    this.options = options;
    this.clock = clock;
  }

  /** Replays until the bounded end, or until interrupted in continuous mode (which then returns normally). */
  void run() throws InterruptedException {
    try {
      Map<StreamId, String> positions = openWriters();
      appliedPosition = checkpointedPosition = oldest(positions.values());
      lastCheckpoint = clock.instant();
      LOG.info("replaying the change log for {} stream(s) from {}{}", streamed.size(), appliedPosition,
          options.continuous() ? " until stopped" : " to its current end");
      try (ChangeStream changes = log.open(new ChangeStreamRequest(streamed, positions, !options.continuous()))) {
        streamed.forEach(s -> progress.get(s.source()).phase(StreamProgress.Phase.STREAMING));
        replay(changes);
      }
    } catch (RuntimeException | Error | InterruptedException e) {
      writers.values().forEach(StreamWriter::abort);
      throw e;
    } finally {
      writers.values().forEach(StreamWriter::close);
    }
  }

  /**
   * Opens one upsert writer per stream and resolves where each stream resumes: the newer of the state file's
   * position and the one the destination recorded with its last commit (newer after a crash between the two).
   */
  private Map<StreamId, String> openWriters() {
    Map<StreamId, String> positions = new LinkedHashMap<>();
    SyncState current = state.current();
    for (StreamSpec stream : streamed) {
      StreamWriter writer = destination.openStream(new WriteRequest(stream, WriteMode.UPSERT, LOAD_ID));
      writers.put(stream.source(), writer);
      specs.put(stream.source(), stream);
      pending.put(stream.source(), 0L);
      String position = current.stream(ChangeLogSync.key(stream)).changeLog().orElseThrow().position();
      Optional<String> committed = writer.committedCheckpoint().flatMap(LogCheckpoint::decode);
      if (committed.isPresent() && log.comparePositions(committed.get(), position) > 0) {
        LOG.info("{}: the destination holds changes up to {} (state file: {}); resuming after them",
            stream.source(), committed.get(), position);
        position = committed.get();
      }
      positions.put(stream.source(), position);
    }
    return positions;
  }

  private void replay(ChangeStream changes) throws InterruptedException {
    BoundedChannel<ChangeBatch> channel = new BoundedChannel<>(CHANNEL_BATCHES, CHANNEL_BYTES);
    Thread reader = new Thread(() -> read(changes, channel), "sluice-change-log-reader");
    reader.setDaemon(true);
    reader.start();
    boolean stoppedByReader = false;
    try {
      while (true) {
        ChangeBatch batch;
        try {
          batch = channel.take();
        } catch (InterruptedException e) {
          // A signal: commit what was applied, then stop.
          LOG.info("stopping the change log on request; committing what was applied up to {}", appliedPosition);
          stopReader(reader);
          checkpoint();
          acknowledgeNow(changes);
          throw e;
        }
        apply(batch);
        if (batch.endReached()) {
          stoppedByReader = true;
          stopReader(reader);
          checkpoint();
          acknowledgeNow(changes);
          LOG.info("reached the end of the change log as of the start, at {}", checkpointedPosition);
          return;
        }
        if (pendingTotal >= options.commitEvents() || intervalElapsed()) {
          checkpoint();
        }
      }
    } finally {
      if (!stoppedByReader) {
        stopReader(reader);
      }
    }
  }

  /** Sends the queued acknowledgement from this thread; only once the reader thread has stopped. */
  private void acknowledgeNow(ChangeStream changes) {
    String ack = acknowledgement.getAndSet(null);
    if (ack != null) {
      changes.acknowledge(ack);
    }
  }

  /** The reader thread: acknowledges what the applier asked for, polls, hands batches over. */
  private void read(ChangeStream changes, BoundedChannel<ChangeBatch> channel) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        String ack = acknowledgement.getAndSet(null);
        if (ack != null) {
          changes.acknowledge(ack);
        }
        ChangeBatch batch = changes.poll(POLL_TIMEOUT);
        channel.put(batch, bytes(batch));
        if (batch.endReached()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // stopped by the applier
    } catch (Throwable t) {
      channel.fail(t);
    }
  }

  private void apply(ChangeBatch batch) {
    List<LogEvent> events = batch.events();
    for (int i = 0; i < events.size(); i++) {
      LogEvent event = events.get(i);
      StreamWriter writer = writers.get(event.stream());
      if (writer == null) {
        throw new SluiceException(ErrorKind.INTERNAL, "The source sent a change of " + event.stream()
            + ", which this sync does not stream");
      }
      if (event instanceof LogEvent.SchemaChange change) {
        if (i != 0) {
          throw new SluiceException(ErrorKind.INTERNAL, "The source sent a schema change of " + change.stream()
              + " in the middle of a batch; it must start one");
        }
        evolve(change);
      } else if (event instanceof LogEvent.RowChange row) {
        writer.write(row.change());
        pending.merge(row.stream(), 1L, Long::sum);
        pendingTotal++;
        progress.get(row.stream()).rowsRead(1, row.change().sizeBytes());
      }
    }
    appliedPosition = batch.position();
  }

  private void evolve(LogEvent.SchemaChange change) {
    checkpoint();
    StreamSpec old = specs.get(change.stream());
    StreamSpec evolved = new StreamSpec(old.source(), old.destination(), old.syncMode(), change.columns(),
        old.primaryKey(), old.partitioning(), old.cursorField());
    LOG.info("{}: columns changed in the source; evolving {} to {}", change.stream(), old.destination(),
        change.columns().stream().map(c -> c.name() + " " + c.type()).toList());
    writers.get(change.stream()).evolve(evolved);
    specs.put(change.stream(), evolved);
  }

  private boolean intervalElapsed() {
    return Duration.between(lastCheckpoint, clock.instant()).compareTo(options.commitInterval()) >= 0;
  }

  /**
   * Commits every writer with pending changes at the applied position, records the position in state, and
   * queues the acknowledgement. Also runs with nothing pending, so that an idle log's advance is recorded and
   * released.
   */
  private void checkpoint() {
    lastCheckpoint = clock.instant();
    if (pendingTotal == 0 && appliedPosition.equals(checkpointedPosition)) {
      return;
    }
    String position = appliedPosition;
    String checkpoint = LogCheckpoint.encode(position);
    for (Map.Entry<StreamId, StreamWriter> entry : writers.entrySet()) {
      long count = pending.get(entry.getKey());
      if (count > 0) {
        entry.getValue().commit(checkpoint);
        pending.put(entry.getKey(), 0L);
        progress.get(entry.getKey()).changesCommitted(count);
      }
    }
    Instant now = clock.instant();
    state.updateAll(current -> {
      SyncState next = current;
      for (StreamSpec stream : streamed) {
        String key = ChangeLogSync.key(stream);
        ChangeLogProgress logProgress = next.stream(key).changeLog().orElseThrow();
        if (log.comparePositions(position, logProgress.position()) > 0) {
          next = next.with(key, next.stream(key).withChangeLog(logProgress.at(position, now)));
        }
      }
      return next;
    });
    for (StreamSpec stream : streamed) {
      progress.get(stream.source()).position(Map.of("log_position", position, "last_commit_at", now.toString()));
    }
    LOG.debug("checkpoint at {}: {} change(s) committed", position, pendingTotal);
    pendingTotal = 0;
    checkpointedPosition = position;
    acknowledgement.set(releasable(position));
  }

  /** What the source may release: the checkpoint, held back by any stream not streamed (its backfill failed). */
  private String releasable(String position) {
    String oldest = position;
    for (StreamSpec stream : all) {
      if (!writers.containsKey(stream.source())) {
        Optional<ChangeLogProgress> held = state.current().stream(ChangeLogSync.key(stream)).changeLog();
        if (held.isPresent() && log.comparePositions(held.get().position(), oldest) < 0) {
          oldest = held.get().position();
        }
      }
    }
    return oldest;
  }

  private String oldest(java.util.Collection<String> positions) {
    return positions.stream().min(log::comparePositions).orElseThrow();
  }

  private static void stopReader(Thread reader) throws InterruptedException {
    reader.interrupt();
    reader.join(Duration.ofSeconds(30).toMillis());
  }

  private static long bytes(ChangeBatch batch) {
    long bytes = 64;
    for (LogEvent event : batch.events()) {
      bytes += event instanceof LogEvent.RowChange row ? Math.max(64, row.change().sizeBytes()) : 256;
    }
    return bytes;
  }
}
