from zhifa.manage import main

main()
