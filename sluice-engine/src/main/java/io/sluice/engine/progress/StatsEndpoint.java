package io.sluice.engine.progress;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /stats} during a sync: every stream's phase, counters and position (saved cursor and backlog for
 * incremental streams, log position and last commit for change-log streams) as JSON. Binds to 127.0.0.1 only:
 * it is for a local agent or a curl, not for the network. Holds no secrets.
 */
public final class StatsEndpoint implements AutoCloseable {
  private final HttpServer server;

  private StatsEndpoint(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts serving on {@code port} (0 picks a free one).
   *
   * @throws SluiceException {@link ErrorKind#CONFIG} naming the port when it cannot be bound
   */
  public static StatsEndpoint start(int port, List<StreamProgress> streams, Clock clock) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new SluiceException(ErrorKind.CONFIG, "Cannot serve stats on 127.0.0.1:" + port + ": " + e.getMessage()
          + "; pick another --stats-port (0 picks a free one)", e);
    }
    server.createContext("/stats", exchange -> respond(exchange, render(streams, clock)));
    server.setExecutor(null); // the server's own dispatcher thread; requests are tiny
    server.start();
    return new StatsEndpoint(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  static ObjectNode render(List<StreamProgress> streams, Clock clock) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("at", clock.instant().toString());
    ArrayNode list = root.putArray("streams");
    for (StreamProgress stream : streams) {
      ObjectNode node = list.addObject();
      node.put("stream", stream.stream().toString());
      node.put("phase", stream.phase().name().toLowerCase(Locale.ROOT));
      node.put("rows_read", stream.rowsRead());
      node.put("rows_committed", stream.rowsCommitted());
      node.put("changes_committed", stream.changesCommitted());
      node.put("chunks_done", stream.chunksDone());
      node.put("chunks_total", stream.chunksTotal());
      node.put("elapsed_seconds", Math.round(stream.elapsedSeconds() * 10) / 10.0);
      ObjectNode position = node.putObject("position");
      for (Map.Entry<String, Object> fact : stream.position().entrySet()) {
        if (fact.getValue() instanceof Number number) {
          position.put(fact.getKey(), number.longValue());
        } else {
          position.put(fact.getKey(), String.valueOf(fact.getValue()));
        }
      }
    }
    return root;
  }

  private static void respond(HttpExchange exchange, ObjectNode body) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = (body.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
