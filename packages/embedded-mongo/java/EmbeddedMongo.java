import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * Starts mongo-java-server on 127.0.0.1. Arguments: port (0 picks a free one) and, optionally, an H2 data
 * file; without it the data lives in memory. Prints "LISTENING <port>" once bound and shuts down cleanly
 * when standard input closes, so the server never outlives the process that started it.
 */
public final class EmbeddedMongo {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    MongoBackend backend = args.length > 1 ? new H2Backend(args[1]) : new MemoryBackend();
    MongoServer server = new MongoServer(backend);
    server.bind("127.0.0.1", port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
    System.out.println("LISTENING " + server.getLocalAddress().getPort());
    System.out.flush();
    while (System.in.read() != -1) {
      // keep serving until the parent closes our stdin
    }
    System.exit(0);
  }
}
