/**
 * The software detection scripts on self-made conversations: what each
 * finds in SSH banners, HTTP headers, FTP's CLNT and a mail's User-Agent,
 * as software.log rows (the crafted hosts, 10.0.0.1 and 192.0.2.10, are in
 * Zeek's private address space: local hosts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runTcp, type Step } from "./tcp-conv.js";

/** software.log's columns from host to unparsed_version, space-joined. */
async function software(steps: Step[], sport: number, loads: string[], settings = {}): Promise<{ rows: string[]; log: (path: string) => string[][] }> {
  const r = await runTcp(steps, { sport, loads, settings });
  return { rows: r.log("software").map((row) => row.slice(1).join(" ")), log: (p) => r.log(p) };
}

test("ssh/software: the client's and the server's banners without their protocol part; the server with its port", async () => {
  const steps: Step[] = [
    ["s", "SSH-2.0-OpenSSH_7.4\r\n"],
    ["c", "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n"],
  ];
  const { rows } = await software(steps, 22, ["protocols/ssh/software"]);
  assert.deepEqual(rows, [
    "192.0.2.10 22 SSH::SERVER OpenSSH 7 4 - - - OpenSSH_7.4",
    "10.0.0.1 - SSH::CLIENT OpenSSH 8 9 - - p1 OpenSSH_8.9p1 Ubuntu-3ubuntu0.6",
  ]);
  assert.deepEqual((await software(steps, 22, [])).rows, []);
});

test("http/software: User-Agent is the browser, Server the server, X-Powered-By and SharePoint's header application servers", async () => {
  const steps: Step[] = [
    ["c", "GET / HTTP/1.1\r\nHost: example.org\r\nUser-Agent: curl/8.5.0\r\n\r\n"],
    [
      "s",
      "HTTP/1.1 200 OK\r\nServer: Apache/2.4.41 (Ubuntu)\r\nX-Powered-By: PHP/7.4.3\r\nMicrosoftSharePointTeamServices: 16.0.0.10337\r\nContent-Length: 0\r\n\r\n",
    ],
  ];
  const { rows } = await software(steps, 80, ["protocols/http/software"]);
  assert.deepEqual(rows, [
    "10.0.0.1 - HTTP::BROWSER curl 8 5 0 - - curl/8.5.0",
    "192.0.2.10 80 HTTP::SERVER Apache 2 4 41 - Ubuntu Apache/2.4.41 (Ubuntu)",
    "192.0.2.10 80 HTTP::APPSERVER PHP 7 4 3 - - PHP/7.4.3",
    "192.0.2.10 80 HTTP::APPSERVER SharePoint 16 0 0 10337 - SharePoint/16.0.0.10337",
  ]);
});

test("http/software-browser-plugins: X-Flash-Version is a browser plug-in, AdobeAIR-Flash inside Adobe AIR; Omniture's URIs list plug-ins", async () => {
  const steps: Step[] = [
    ["c", "GET / HTTP/1.1\r\nHost: example.org\r\nUser-Agent: Mozilla/5.0 (Macintosh) AppleWebKit/531.9 AdobeAIR/2.6\r\nX-Flash-Version: 10,2,159,1\r\n\r\n"],
    ["s", "HTTP/1.1 204 No Content\r\n\r\n"],
  ];
  const { rows } = await software(steps, 80, ["protocols/http/software-browser-plugins"]);
  assert.deepEqual(rows, ["10.0.0.1 - HTTP::BROWSER_PLUGIN AdobeAIR-Flash 10 2 159 1 - AdobeAIR-Flash/10,2,159,1"]);
  // A request answered by Omniture lists the plug-ins in its URI (as http.log has it: unescaped), found when its row is written.
  const omniture: Step[] = [
    ["c", "GET /b/ss/acct/1?c=1&p=Shockwave%20Flash%2011.2;Java%20Plug-in;&v=Y HTTP/1.1\r\nHost: metrics.example.org\r\n\r\n"],
    ["s", "HTTP/1.1 200 OK\r\nServer: Omniture DC/2.0.0\r\nContent-Length: 0\r\n\r\n"],
  ];
  assert.deepEqual((await software(omniture, 80, ["protocols/http/software-browser-plugins"])).rows, [
    "10.0.0.1 - HTTP::BROWSER_PLUGIN Shockwave Flash 11 2 - - - Shockwave Flash 11.2",
    "10.0.0.1 - HTTP::BROWSER_PLUGIN Java Plug-in - - - - - Java Plug-in",
  ]);
});

test("ftp/software: the client a CLNT command names", async () => {
  const steps: Step[] = [
    ["s", "220 ready\r\n"],
    ["c", "CLNT NcFTP 3.2.6 macosx10.15\r\n"],
    ["s", "200 ok\r\n"],
  ];
  const { rows } = await software(steps, 21, ["protocols/ftp/software"]);
  assert.deepEqual(rows, ["10.0.0.1 - FTP::CLIENT NcFTP 3 2 6 - macosx10 NcFTP 3.2.6 macosx10.15"]);
});

test("smtp/software: a message's User-Agent is the sending host's mail client; a webmail one marks smtp.log's is_webmail", async () => {
  const mail = (ua: string): Step[] => [
    ["s", "220 mx.example.org ESMTP\r\n"],
    ["c", "HELO client\r\n"],
    ["s", "250 mx.example.org\r\n"],
    ["c", "MAIL FROM:<a@example.org>\r\n"],
    ["s", "250 ok\r\n"],
    ["c", "RCPT TO:<b@example.org>\r\n"],
    ["s", "250 ok\r\n"],
    ["c", "DATA\r\n"],
    ["s", "354 go ahead\r\n"],
    ["c", `From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\nUser-Agent: ${ua}\r\n\r\nhello\r\n.\r\n`],
    ["s", "250 queued\r\n"],
    ["c", "QUIT\r\n"],
    ["s", "221 bye\r\n"],
  ];
  const client = await software(mail("Mozilla Thunderbird 115.5.0"), 25, ["protocols/smtp/software"]);
  assert.deepEqual(client.rows, ["10.0.0.1 - SMTP::MAIL_CLIENT Mozilla Thunderbird 115 5 0 - - Mozilla Thunderbird 115.5.0"]);
  assert.equal(client.log("smtp")[0]!.at(-1), "F");
  const webmail = await software(mail("SquirrelMail/1.4.22"), 25, ["protocols/smtp/software"]);
  assert.deepEqual(webmail.rows, ["10.0.0.1 - SMTP::WEBMAIL_SERVER SquirrelMail 1 4 22 - - SquirrelMail/1.4.22"]);
  assert.equal(webmail.log("smtp")[0]!.at(-1), "T");
  // SMTP::detect_clients_in_messages_from: only mail sent from the hosts it selects.
  assert.deepEqual((await software(mail("Mutt/2.2"), 25, ["protocols/smtp/software"], { "SMTP::detect_clients_in_messages_from": "REMOTE_HOSTS" })).rows, []);
});
