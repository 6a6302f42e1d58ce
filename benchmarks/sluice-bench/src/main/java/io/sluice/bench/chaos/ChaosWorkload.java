package io.sluice.bench.chaos;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mutates {@code chaos.items} while the sync runs: inserts, updates (some touching only small columns, so the
 * TOASTed body is sent as unchanged), deletes, and now and then a transaction of many updates. Seeded, so a run
 * makes the same kinds of changes in the same proportions; the exact interleaving with the sync still varies.
 * Can be paused so that a comparison sees a quiet table.
 */
final class ChaosWorkload implements Runnable {
  private final Connection connection;
  private final Random random;
  private final long initialRows;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean paused = new AtomicBoolean();
  private final AtomicLong statements = new AtomicLong();
  private final Object pauseLock = new Object();
  private boolean idle;
  private volatile Throwable failure;
  private long nextId;

  ChaosWorkload(Connection connection, long seed, long initialRows) {
    this.connection = connection;
    this.random = new Random(seed);
    this.initialRows = initialRows;
    this.nextId = initialRows + 1;
  }

  @Override
  public void run() {
    try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO chaos.items VALUES (?, 0, ?, ?, now())");
        PreparedStatement touch = connection.prepareStatement(
            "UPDATE chaos.items SET n = n + 1, amount = amount + 0.01, ts = now() WHERE id = ?");
        PreparedStatement rewrite = connection.prepareStatement("UPDATE chaos.items SET body = ? WHERE id = ?");
        PreparedStatement delete = connection.prepareStatement("DELETE FROM chaos.items WHERE id = ?")) {
      while (running.get()) {
        waitWhilePaused();
        int dice = random.nextInt(100);
        if (dice < 30) {
          insert.setLong(1, nextId++);
          insert.setString(2, random.nextInt(20) == 0 ? "big-".repeat(3_000) : "new");
          insert.setBigDecimal(3, BigDecimal.valueOf(random.nextInt(10_000_000), 2));
          insert.executeUpdate();
        } else if (dice < 70) {
          touch.setLong(1, randomId());
          touch.executeUpdate();
        } else if (dice < 80) {
          rewrite.setString(1, random.nextBoolean() ? "rewritten" : "big2-".repeat(2_500));
          rewrite.setLong(2, randomId());
          rewrite.executeUpdate();
        } else if (dice < 98) {
          delete.setLong(1, randomId());
          delete.executeUpdate();
        } else {
          connection.setAutoCommit(false);
          for (int i = 0; i < 300; i++) {
            touch.setLong(1, randomId());
            touch.executeUpdate();
          }
          connection.commit();
          connection.setAutoCommit(true);
        }
        statements.incrementAndGet();
        Thread.sleep(2);
      }
    } catch (SQLException | RuntimeException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      synchronized (pauseLock) {
        idle = true;
        pauseLock.notifyAll();
      }
    }
  }

  private long randomId() {
    return 1 + (long) (random.nextDouble() * (nextId - 1));
  }

  private void waitWhilePaused() throws InterruptedException {
    synchronized (pauseLock) {
      while (paused.get() && running.get()) {
        idle = true;
        pauseLock.notifyAll();
        pauseLock.wait(100);
      }
      idle = false;
    }
  }

  /** Stops making changes and returns once the current statement is done. */
  void pause() throws InterruptedException {
    paused.set(true);
    synchronized (pauseLock) {
      while (!idle) {
        pauseLock.wait(100);
      }
    }
  }

  void resume() {
    paused.set(false);
  }

  void stop() {
    running.set(false);
  }

  long statements() {
    return statements.get();
  }

  /** The workload's own failure, if it had one (it must not: it is the reference). */
  Throwable failure() {
    return failure;
  }

  long initialRows() {
    return initialRows;
  }
}
