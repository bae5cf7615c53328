"""The shared library through ctypes: finding it, the structures of
include/stepwise.h that the package passes, and the functions' types.

Only this module knows the C side; stepwise/__init__.py builds the Python
API on it."""
import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_int, c_size_t, c_uint,
                    c_uint32, c_uint64, c_void_p)

SW_OK = 0
SW_EREJECTED = -8
SW_NO_YEAR = -1


class PupilData(Structure):
    """struct sw_pupil_data (SW_PUPIL_DATA_VERSION 1)."""
    _fields_ = [("version", c_uint), ("id", c_char_p), ("name", c_char_p), ("year", c_int),
                ("class_name", c_char_p), ("school", c_char_p),
                ("groups", POINTER(c_char_p)), ("group_count", c_size_t),
                ("attribute_names", POINTER(c_char_p)),
                ("attribute_values", POINTER(c_char_p)), ("attribute_count", c_size_t)]


class EvidenceData(Structure):
    """struct sw_evidence_data (SW_EVIDENCE_DATA_VERSION 1)."""
    _fields_ = [("version", c_uint), ("pupil", c_char_p), ("skill", c_char_p), ("step", c_int),
                ("date", c_char_p), ("outcome", c_char_p), ("source", c_char_p),
                ("assessor", c_char_p), ("context", c_char_p), ("note", c_char_p)]


class EvalOptions(Structure):
    """struct sw_eval_options (SW_EVAL_OPTIONS_VERSION 1)."""
    _fields_ = [("version", c_uint), ("as_of", c_char_p), ("jobs", c_uint)]


class Error(Structure):
    """struct sw_error."""
    _fields_ = [("code", c_int), ("message", c_char_p), ("file", c_char_p),
                ("line", c_uint64), ("column", c_uint32), ("path", c_char_p)]


RESULT_FN = CFUNCTYPE(c_int, c_void_p, c_void_p)

# name: (result type, argument types) of every function the package calls
SIGNATURES = {
    "sw_version": (c_char_p, []),
    "sw_status_string": (c_char_p, [c_int]),
    "sw_engine_new": (c_int, [POINTER(c_void_p), c_void_p]),
    "sw_engine_free": (None, [c_void_p]),
    "sw_engine_error_count": (c_size_t, [c_void_p]),
    "sw_engine_error": (POINTER(Error), [c_void_p, c_size_t]),
    "sw_engine_load_framework_builtin": (c_int, [c_void_p, c_char_p]),
    "sw_engine_load_framework_file": (c_int, [c_void_p, c_char_p]),
    "sw_engine_load_framework_buffer": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p]),
    "sw_engine_framework": (c_void_p, [c_void_p]),
    "sw_framework_json": (c_int, [POINTER(c_void_p), c_void_p]),
    "sw_engine_load_rubric": (c_int, [c_void_p, c_char_p]),
    "sw_engine_load_rubric_buffer": (c_int, [c_void_p, c_char_p, c_size_t, c_char_p]),
    "sw_engine_set_param": (c_int, [c_void_p, c_char_p, c_char_p]),
    "sw_engine_rubric_name": (c_char_p, [c_void_p]),
    "sw_engine_add_pupil": (c_int, [c_void_p, POINTER(PupilData)]),
    "sw_engine_add_evidence": (c_int, [c_void_p, POINTER(EvidenceData)]),
    "sw_engine_reset_data": (c_int, [c_void_p]),
    "sw_engine_evaluate": (c_int, [c_void_p, POINTER(EvalOptions), RESULT_FN, c_void_p,
                                   c_void_p]),
    "sw_result_json": (c_int, [POINTER(c_void_p), c_void_p]),
    "sw_result_has_error": (c_int, [c_void_p, c_size_t]),
    "sw_string_free": (None, [c_void_p, c_void_p]),
}

# where `make install` puts the library, for systems whose loader cache
# does not know it yet
_INSTALLED = ["/usr/local/lib/libstepwise.so.0", "/usr/lib/libstepwise.so.0"]

_lib = None
_lib_path = None


def library_path(explicit=None):
    """The library to load: `explicit`, else $STEPWISE_LIB, else one the
    system's loader finds, else one installed under /usr/local or /usr."""
    if explicit:
        return str(explicit)
    env = os.environ.get("STEPWISE_LIB")
    if env:
        return env
    found = ctypes.util.find_library("stepwise")
    if found:
        return found
    for path in _INSTALLED:
        if os.path.exists(path):
            return path
    return "libstepwise.so.0"


def load(explicit=None):
    """Loads the library once (a different explicit path later is an error)."""
    global _lib, _lib_path
    path = library_path(explicit)
    if _lib is not None:
        if explicit and os.path.realpath(path) != os.path.realpath(_lib_path):
            raise RuntimeError("the Stepwise library is already loaded from %s" % _lib_path)
        return _lib
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise OSError("cannot load the Stepwise library (%s): run `make install`, or set "
                      "STEPWISE_LIB to the path of libstepwise.so.0 (for example "
                      "build/libstepwise.so.0 in the source tree)" % e) from None
    for name, (restype, argtypes) in SIGNATURES.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    _lib, _lib_path = lib, path
    return lib
