"""A minimal SMTP server for tests (Python 3.11 has no smtpd module).

Listens on 127.0.0.1 at the port given as the first argument (0: any free port), prints
{"port": N} as its first line, then one JSON line per accepted message:
{"mail_from": ..., "rcpt_to": [...], "data": ...}. A recipient whose address starts with
"reject" is refused with 550. Runs until killed or its stdin closes.
"""

import asyncio
import json
import sys


def emit(record):
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


async def handle(reader, writer):
    def reply(line):
        writer.write((line + "\r\n").encode("utf-8"))

    reply("220 test-smtp ready")
    await writer.drain()
    mail_from, rcpt_to = None, []
    try:
        while True:
            raw = await reader.readline()
            if not raw:
                break
            line = raw.decode("utf-8").rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                reply("250-test-smtp greets you")
                reply("250 8BITMIME")
            elif line.upper().startswith("MAIL FROM:"):
                mail_from, rcpt_to = line[10:].strip().strip("<>"), []
                reply("250 OK")
            elif line.upper().startswith("RCPT TO:"):
                address = line[8:].strip().strip("<>")
                if address.lower().startswith("reject"):
                    reply("550 no such mailbox")
                else:
                    rcpt_to.append(address)
                    reply("250 OK")
            elif verb == "DATA":
                if mail_from is None or not rcpt_to:
                    reply("503 need MAIL FROM and RCPT TO first")
                    await writer.drain()
                    continue
                reply("354 end with <CRLF>.<CRLF>")
                await writer.drain()
                lines = []
                while True:
                    data_line = (await reader.readline()).decode("utf-8")
                    if data_line in (".\r\n", ".\n", ""):
                        break
                    if data_line.startswith(".."):
                        data_line = data_line[1:]
                    lines.append(data_line)
                emit({"mail_from": mail_from, "rcpt_to": rcpt_to, "data": "".join(lines)})
                mail_from, rcpt_to = None, []
                reply("250 queued")
            elif verb == "RSET":
                mail_from, rcpt_to = None, []
                reply("250 OK")
            elif verb == "NOOP":
                reply("250 OK")
            elif verb == "QUIT":
                reply("221 bye")
                await writer.drain()
                break
            else:
                reply("502 command not implemented")
            await writer.drain()
    finally:
        writer.close()


async def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    emit({"port": server.sockets[0].getsockname()[1]})
    loop = asyncio.get_running_loop()
    stdin_closed = loop.create_future()

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(1024):
                pass
        finally:
            loop.call_soon_threadsafe(lambda: stdin_closed.done() or stdin_closed.set_result(None))

    loop.run_in_executor(None, watch_stdin)
    async with server:
        await stdin_closed


if __name__ == "__main__":
    asyncio.run(main())
