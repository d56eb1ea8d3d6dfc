/* A stand-in for bcryptprimitives.dll, for running Windows builds under Wine 8.0 (Debian 12)
 * only: Rust's standard library (1.78 and later) imports ProcessPrng from that DLL, which
 * every Windows 10 and later has but Wine 8.0 does not. .ci/windows.sh builds this with
 * MinGW-w64 and puts it beside eventloom.exe in its scratch folder; it never reaches a
 * package. ProcessPrng is answered by RtlGenRandom (advapi32's SystemFunction036). */
#include <windows.h>

BOOLEAN NTAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
