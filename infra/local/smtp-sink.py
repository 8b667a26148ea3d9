#!/usr/bin/env python3
"""A mail sink for local runs: accepts SMTP on 127.0.0.1 and keeps each mail as a file.

    python3 infra/local/smtp-sink.py PORT DIRECTORY

Writes DIRECTORY/<n>.eml for every mail accepted. For demos and development only: no TLS, no
authentication, no relaying.
"""
import asyncio
import itertools
import pathlib
import sys

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 1025
DIRECTORY = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "mail")
COUNTER = itertools.count(len(list(DIRECTORY.glob("*.eml"))) + 1 if DIRECTORY.exists() else 1)


async def session(reader, writer):
    def reply(line):
        writer.write((line + "\r\n").encode())

    reply("220 sagaline-smtp-sink ready")
    data, in_data = [], False
    try:
        while line := await reader.readline():
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if in_data:
                if text == ".":
                    in_data = False
                    number = next(COUNTER)
                    (DIRECTORY / f"{number}.eml").write_text("\n".join(data) + "\n")
                    data = []
                    reply(f"250 queued as {number}")
                else:
                    data.append(text[1:] if text.startswith("..") else text)
                continue
            verb = text.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                reply("250 sagaline-smtp-sink")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                reply("250 ok")
            elif verb == "DATA":
                in_data = True
                reply("354 end with <CRLF>.<CRLF>")
            elif verb == "QUIT":
                reply("221 bye")
                await writer.drain()
                break
            else:
                reply("502 not implemented")
            await writer.drain()
    finally:
        writer.close()


async def main():
    DIRECTORY.mkdir(parents=True, exist_ok=True)
    server = await asyncio.start_server(session, "127.0.0.1", PORT)
    print(f"SMTP sink on 127.0.0.1:{PORT}, mails in {DIRECTORY}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
