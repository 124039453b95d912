"""A Modbus/TCP server (pymodbus, Debian's python3-pymodbus) on 127.0.0.1:502:
100 coils, discrete inputs, holding and input registers from address 0."""
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartTcpServer

block = lambda: ModbusSequentialDataBlock(0, list(range(100)))
store = ModbusSlaveContext(di=block(), co=block(), hr=block(), ir=block(), zero_mode=True)
StartTcpServer(context=ModbusServerContext(slaves=store, single=True), address=("127.0.0.1", 502))
