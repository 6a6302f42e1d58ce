package io.sluice.engine.sync;

import io.sluice.engine.progress.StreamProgress;
import io.sluice.engine.state.ChangeLogProgress;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.state.StreamState;
import io.sluice.spi.ChangeLogSource;
import io.sluice.spi.Destination;
import io.sluice.spi.LogPin;
import io.sluice.spi.Source;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change-log streams of one sync ({@code cdc} and {@code cdc_only}). They share the source's one log, so
 * they run together, in three steps:
 *
 * <ol>
 *   <li><b>Pin</b>: streams without a log position (new, or resynced) get the position the log is at now,
 *       saved in state before anything is read. The pin is held open through the backfills, so that sources
 *       that can (Postgres) read them in the snapshot the position belongs to.
 *   <li><b>Backfill</b>: each {@code cdc} stream not yet backfilled is loaded like a full refresh and published;
 *       a failed backfill fails that stream only.
 *   <li><b>Stream</b>: the log is replayed from each stream's position ({@link ChangeLogStreaming}). A stream
 *       whose backfill did not finish is not streamed, and its position holds back what the source may release.
 * </ol>
 *
 * <p>Replaying from the pin after a backfill read in a later snapshot is still exact in the end, because
 * changes are applied by key and applying one twice changes nothing.
 */
final class ChangeLogSync {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeLogSync.class);

  private final Source source;
  private final ChangeLogSource log;
  private final Destination destination;
  private final List<StreamSpec> streams;
  private final StateStore state;
  private final Map<StreamId, StreamProgress> progress;
  private final SyncOptions options;
  private final ChangeLogOptions logOptions;
  private final Clock clock;

  ChangeLogSync(Source source, ChangeLogSource log, Destination destination, List<StreamSpec> streams,
      StateStore state, Map<StreamId, StreamProgress> progress, SyncOptions options, ChangeLogOptions logOptions,
      Clock clock) {
    this.source = source;
    this.log = log;
    this.destination = destination;
    this.streams = List.copyOf(streams);
    this.state = state;
    this.progress = progress;
    this.options = options;
    this.logOptions = logOptions;
    this.clock = clock;
  }

  /** Runs every stream; each result says how that stream ended. Throws only when interrupted. */
  List<StreamResult> run() throws InterruptedException {
    Map<StreamId, Throwable> failures = new LinkedHashMap<>();
    Map<StreamId, Long> backfilledRows = new LinkedHashMap<>();
    streams.forEach(s -> progress.get(s.source()).phase(StreamProgress.Phase.PLANNING));
    try {
      try (LogPin pin = pinNewStreams()) {
        backfill(failures, backfilledRows);
      }
      List<StreamSpec> ready = streams.stream().filter(s -> !failures.containsKey(s.source())).toList();
      if (!ready.isEmpty()) {
        new ChangeLogStreaming(log, destination, ready, streams, state, progress, logOptions, clock).run();
      }
    } catch (InterruptedException e) {
      throw e;
    } catch (Throwable failure) {
      // The log is shared: when it fails, every stream not failed already fails with it.
      for (StreamSpec stream : streams) {
        failures.putIfAbsent(stream.source(), failure);
      }
    }
    List<StreamResult> results = new ArrayList<>();
    for (StreamSpec stream : streams) {
      StreamProgress p = progress.get(stream.source());
      Optional<Throwable> failure = Optional.ofNullable(failures.get(stream.source()));
      if (failure.isPresent()) {
        p.phase(StreamProgress.Phase.FAILED);
        LOG.error("{}: sync failed: {}", stream.source(), failure.get().getMessage());
        LOG.debug("{}: failure detail", stream.source(), failure.get());
      } else {
        p.phase(StreamProgress.Phase.DONE);
      }
      results.add(new StreamResult(stream.source(), stream.destination(),
          backfilledRows.getOrDefault(stream.source(), 0L) + p.changesCommitted(), p.rowsRead(), p.chunksTotal(),
          p.elapsedSeconds(), failure));
    }
    return results;
  }

  /**
   * Gives every stream without a log position the position the log is at now, and saves it. Returns the pin
   * (to close after the backfills), or a closed no-op pin when every stream had a position.
   */
  private LogPin pinNewStreams() {
    List<StreamSpec> unpinned = streams.stream()
        .filter(s -> state.current().stream(key(s)).changeLog().isEmpty()).toList();
    if (unpinned.isEmpty()) {
      return NO_PIN;
    }
    // All streams, not only the new ones: the source makes sure its log covers every one of them.
    LogPin pin = log.pin(streams);
    LOG.info("pinned the change log at {} for {}{}", pin.position(),
        unpinned.stream().map(s -> s.source().toString()).toList(),
        pin.snapshotConsistent() ? "; backfills read the snapshot of that position"
            : "; backfills read a later snapshot, and replaying from the pin makes them exact");
    try {
      state.updateAll(current -> {
        var next = current;
        for (StreamSpec stream : unpinned) {
          boolean nothingToBackfill = stream.syncMode() == SyncMode.CDC_ONLY;
          StreamState s = next.stream(key(stream));
          next = next.with(key(stream),
              s.withChangeLog(new ChangeLogProgress(pin.position(), nothingToBackfill, Optional.empty())));
        }
        return next;
      });
    } catch (RuntimeException e) {
      pin.close();
      throw e;
    }
    return pin;
  }

  private void backfill(Map<StreamId, Throwable> failures, Map<StreamId, Long> rows) throws InterruptedException {
    List<StreamSpec> pending = streams.stream()
        .filter(s -> !state.current().stream(key(s)).changeLog().orElseThrow().backfilled()).toList();
    if (pending.isEmpty()) {
      return;
    }
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(Math.min(options.maxConcurrentStreams(), pending.size()),
        runnable -> {
          Thread thread = new Thread(runnable, "sluice-backfill-" + threadNumber.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    try {
      Map<StreamSpec, Future<StreamResult>> futures = new LinkedHashMap<>();
      for (StreamSpec stream : pending) {
        futures.put(stream, threads.submit(() -> new FullRefreshLoad(source, destination, stream, state,
            progress.get(stream.source()), options, clock).run()));
      }
      for (Map.Entry<StreamSpec, Future<StreamResult>> entry : futures.entrySet()) {
        StreamSpec stream = entry.getKey();
        try {
          StreamResult result = entry.getValue().get();
          state.update(key(stream), s -> s.withChangeLog(s.changeLog().orElseThrow().backfillDone()));
          rows.put(stream.source(), result.rows());
          LOG.info("{}: backfill of {} rows published; the change log takes over", stream.source(), result.rows());
        } catch (ExecutionException e) {
          failures.put(stream.source(), e.getCause());
        }
      }
    } catch (InterruptedException e) {
      threads.shutdownNow();
      threads.awaitTermination(30, TimeUnit.SECONDS);
      throw e;
    } finally {
      threads.shutdownNow();
    }
  }

  static String key(StreamSpec stream) {
    return stream.source().toString();
  }

  private static final LogPin NO_PIN = new LogPin() {
    @Override
    public String position() {
      throw new IllegalStateException("no pin was needed: every stream has a log position");
    }

    @Override
    public boolean snapshotConsistent() {
      return false;
    }

    @Override
    public void close() {}
  };
}
