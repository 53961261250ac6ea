// A JVM that keeps creating threads, for `record --pid` (tests/tracer/attach_test.cpp). Run it from source:
// `java samples/java/ThreadFactory.java [SECONDS]`. Prints "ready" once its spawners run; exits after SECONDS.
public class ThreadFactory {
  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
    for (int i = 0; i < 4; i++) {
      Thread spawner = new Thread(() -> {
        while (true) {
          Thread worker = new Thread(() -> {
            Thread leaf = new Thread(() -> {});
            leaf.start();
            try { leaf.join(); } catch (InterruptedException e) { return; }
          });
          worker.start();
          try { worker.join(); } catch (InterruptedException e) { return; }
        }
      });
      spawner.setDaemon(true);
      spawner.start();
    }
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(seconds * 1000);
    System.exit(0);
  }
}
