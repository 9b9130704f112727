# hello.s: the smallest complete Linux program, in GNU as (AT&T) syntax.
# It asks the kernel for two things: write(2) a line to standard output, then exit(2).
# Each request is a `syscall` instruction with the call number in %rax and the
# arguments in %rdi, %rsi, %rdx (the x86-64 Linux system call convention).

        .section .rodata
greeting:
        .ascii  "Hello, world\n"
        greeting_len = . - greeting     # the assembler counts the bytes for us

        .text
        .globl  _start
_start:
        mov     $1, %eax                # system call 1 is write(fd, buf, count)
        mov     $1, %edi                # fd 1: standard output
        lea     greeting(%rip), %rsi    # buf: the address of the text
        mov     $greeting_len, %edx     # count: how many bytes
        syscall                         # enter the kernel; the result comes back in %rax

        mov     $60, %eax               # system call 60 is exit(status)
        xor     %edi, %edi              # status 0: success
        syscall                         # does not return
