# tests/install: `make install` / `make uninstall` (PREFIX, DESTDIR).
#   $(DESTDIR)$(PREFIX)/bin/authscope
#   $(DESTDIR)$(PREFIX)/share/man/man1/authscope.1
#   $(DESTDIR)$(UNITDIR)/authscope.service      (ExecStart names BINDIR)
#   $(DESTDIR)$(SYSCONFDIR)/logrotate.d/authscope
# UNITDIR defaults to $(PREFIX)/lib/systemd/system (systemd reads
# /usr/local/lib/systemd/system too); SYSCONFDIR to /etc.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
INSTALL    ?= install

install: $(PROG)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/logrotate.d
	$(INSTALL) -m 755 $(PROG) $(DESTDIR)$(BINDIR)/authscope
	$(INSTALL) -m 644 report/authscope.1 $(DESTDIR)$(MANDIR)/man1/authscope.1
	sed 's|@BINDIR@|$(BINDIR)|g' capture/deploy/authscope.service \
		>$(DESTDIR)$(UNITDIR)/authscope.service
	chmod 644 $(DESTDIR)$(UNITDIR)/authscope.service
	$(INSTALL) -m 644 capture/deploy/authscope.logrotate \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d/authscope

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/authscope $(DESTDIR)$(MANDIR)/man1/authscope.1 \
		$(DESTDIR)$(UNITDIR)/authscope.service \
		$(DESTDIR)$(SYSCONFDIR)/logrotate.d/authscope
