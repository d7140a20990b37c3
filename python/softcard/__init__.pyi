from typing import List

from . import _core as _core
from .applet import Applet as Applet, Command as Command, Keys as Keys, Pin as Pin, StatusWordError as StatusWordError, Store as Store
from .card import Card as Card, CardError as CardError, Response as Response
from .faults import CardTorn as CardTorn, Faults as Faults, LinkDropped as LinkDropped, Rule as Rule
from .inspection import ContainerRecord as ContainerRecord, decode_cmapfile as decode_cmapfile
from .rig import Rig as Rig
from .status import SW as SW, describe_sw as describe_sw, is_success as is_success, sw_name as sw_name
from .trace import Trace as Trace, TraceEntry as TraceEntry

ImageError = _core.ImageError
ProfileError = _core.ProfileError
__version__: str

def builtin_profiles() -> List[str]: ...
def builtin_applets() -> List[str]: ...
