; hello.asm: the smallest complete Linux program, in NASM (Intel) syntax.
; It asks the kernel for two things: write(2) a line to standard output, then exit(2).
; Each request is a `syscall` instruction with the call number in rax and the
; arguments in rdi, rsi, rdx (the x86-64 Linux system call convention).

        section .rodata
greeting:       db      "Hello, world", 10
greeting_len    equ     $ - greeting    ; the assembler counts the bytes for us

        section .text
        global  _start
_start:
        mov     eax, 1                  ; system call 1 is write(fd, buf, count)
        mov     edi, 1                  ; fd 1: standard output
        lea     rsi, [rel greeting]     ; buf: the address of the text
        mov     edx, greeting_len       ; count: how many bytes
        syscall                         ; enter the kernel; the result comes back in rax

        mov     eax, 60                 ; system call 60 is exit(status)
        xor     edi, edi                ; status 0: success
        syscall                         ; does not return
