/* A SQLite VFS for the power-loss test: it passes everything through to the default VFS
 * and, each time SQLite syncs the database or its WAL, copies that file to
 * "<file>.durable" (atomically, by rename). At any instant the .durable files are what a
 * disk holds after a power cut that loses every write not yet synced: the worst case a
 * disk honouring fsync allows. Built and loaded by tests/hall_server/test_power_loss.py
 * (gcc, libsqlite3-dev); registered as the default VFS of the process while the test runs.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    sqlite3_file base;
    char *path; /* NULL: a file whose durability the test does not follow */
    sqlite3_file *real;
} PcFile;

static sqlite3_vfs *orig_vfs;
static sqlite3_vfs pc_vfs;
static pthread_mutex_t copy_lock = PTHREAD_MUTEX_INITIALIZER;

static void copy_durable(const char *path) {
    char tmp[4200], dst[4200], buf[65536];
    snprintf(dst, sizeof dst, "%s.durable", path);
    snprintf(tmp, sizeof tmp, "%s.durable.tmp", path);
    pthread_mutex_lock(&copy_lock);
    int in = open(path, O_RDONLY);
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in >= 0 && out >= 0) {
        ssize_t n;
        while ((n = read(in, buf, sizeof buf)) > 0) {
            if (write(out, buf, (size_t)n) != n) break;
        }
    }
    if (in >= 0) close(in);
    if (out >= 0) close(out);
    rename(tmp, dst);
    pthread_mutex_unlock(&copy_lock);
}

#define REAL(f) (((PcFile *)(f))->real)

static int pcClose(sqlite3_file *f) {
    PcFile *p = (PcFile *)f;
    int rc = p->real->pMethods->xClose(p->real);
    free(p->path);
    return rc;
}
static int pcRead(sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), b, n, o); }
static int pcWrite(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) {
    return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int pcTruncate(sqlite3_file *f, sqlite3_int64 s) { return REAL(f)->pMethods->xTruncate(REAL(f), s); }
static int pcSync(sqlite3_file *f, int flags) {
    PcFile *p = (PcFile *)f;
    int rc = p->real->pMethods->xSync(p->real, flags);
    if (rc == SQLITE_OK && p->path) copy_durable(p->path);
    return rc;
}
static int pcFileSize(sqlite3_file *f, sqlite3_int64 *s) { return REAL(f)->pMethods->xFileSize(REAL(f), s); }
static int pcLock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int pcUnlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int pcCheckReservedLock(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int pcFileControl(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int pcSectorSize(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int pcDeviceCharacteristics(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int pcShmMap(sqlite3_file *f, int i, int sz, int e, void volatile **pp) {
    return REAL(f)->pMethods->xShmMap(REAL(f), i, sz, e, pp);
}
static int pcShmLock(sqlite3_file *f, int o, int n, int fl) { return REAL(f)->pMethods->xShmLock(REAL(f), o, n, fl); }
static void pcShmBarrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int pcShmUnmap(sqlite3_file *f, int d) { return REAL(f)->pMethods->xShmUnmap(REAL(f), d); }
static int pcFetch(sqlite3_file *f, sqlite3_int64 o, int n, void **pp) { return REAL(f)->pMethods->xFetch(REAL(f), o, n, pp); }
static int pcUnfetch(sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL(f)->pMethods->xUnfetch(REAL(f), o, p); }

static const sqlite3_io_methods pc_io = {
    3, pcClose, pcRead, pcWrite, pcTruncate, pcSync, pcFileSize, pcLock, pcUnlock, pcCheckReservedLock,
    pcFileControl, pcSectorSize, pcDeviceCharacteristics, pcShmMap, pcShmLock, pcShmBarrier, pcShmUnmap,
    pcFetch, pcUnfetch,
};

static int pcOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags) {
    PcFile *p = (PcFile *)f;
    memset(p, 0, sizeof *p);
    p->real = (sqlite3_file *)&p[1];
    int rc = orig_vfs->xOpen(orig_vfs, name, p->real, flags, out_flags);
    if (p->real->pMethods == NULL) return rc;
    if (name && (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL))) p->path = strdup(name);
    p->base.pMethods = &pc_io;
    return rc;
}

static int pcDelete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
    char dst[4200];
    snprintf(dst, sizeof dst, "%s.durable", name);
    int rc = orig_vfs->xDelete(orig_vfs, name, sync_dir);
    if (rc == SQLITE_OK) unlink(dst); /* a deleted WAL is gone after a power cut as well */
    return rc;
}

int powercut_register(void) {
    orig_vfs = sqlite3_vfs_find(NULL);
    if (orig_vfs == NULL) return SQLITE_ERROR;
    pc_vfs = *orig_vfs;
    pc_vfs.zName = "powercut";
    pc_vfs.szOsFile = (int)sizeof(PcFile) + orig_vfs->szOsFile;
    pc_vfs.xOpen = pcOpen;
    pc_vfs.xDelete = pcDelete;
    pc_vfs.pNext = NULL;
    return sqlite3_vfs_register(&pc_vfs, 1);
}

int powercut_unregister(void) {
    sqlite3_vfs_unregister(&pc_vfs);
    return sqlite3_vfs_register(orig_vfs, 1);
}
