"""Opens a lightbody result folder in ParaView with the warped von Mises view.

    paraview --script=post/paraview_view.py            (asks nothing: results.pvd in the current folder)
    LIGHTBODY_RESULTS=results/tank_8m3_elliptical paraview --script=post/paraview_view.py
    pvpython post/paraview_view.py results/tank_8m3_elliptical [warp factor] [--screenshot view.png]

The .pvd lists one load case per time step: step through them with the time controls. The body
is shown deformed (displacement_mm times the warp factor, by default such that the largest
displacement of the first load case is 5 % of the body's size) and coloured by von_mises_MPa;
switch the colouring to `utilization` to see the design check (1 = allowable stress).
"""
import os
import sys

from paraview.simple import (ColorBy, GetActiveViewOrCreate, GetAnimationScene, GetColorTransferFunction,
                             GetScalarBar, Hide, PVDReader, Render, ResetCamera, SaveScreenshot, Show,
                             WarpByVector)


def open_results(folder, warp=None):
    pvd = os.path.join(folder, "results.pvd")
    if not os.path.exists(pvd):
        raise SystemExit("no results.pvd in %s (run `lightbody run CASE` first)" % folder)
    reader = PVDReader(FileName=pvd)
    reader.UpdatePipeline()
    info = reader.GetDataInformation()
    bounds = info.GetBounds()
    size = max(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4])
    if warp is None:
        u = reader.PointData["displacement_mm"].GetRange(-1)[1]  # magnitude range
        warp = 0.05 * size / u if u > 0 else 1.0

    warped = WarpByVector(Input=reader)
    warped.Vectors = ["POINTS", "displacement_mm"]
    warped.ScaleFactor = warp

    view = GetActiveViewOrCreate("RenderView")
    Hide(reader, view)
    display = Show(warped, view)
    # Quadratic (Lagrange) cells: subdivide their faces so that curved shells look curved.
    display.NonlinearSubdivisionLevel = 2
    ColorBy(display, ("POINTS", "von_mises_MPa"))
    display.RescaleTransferFunctionToDataRange(True, False)
    display.SetScalarBarVisibility(view, True)
    bar = GetScalarBar(GetColorTransferFunction("von_mises_MPa"), view)
    bar.Title = "von Mises (MPa)"
    GetAnimationScene().UpdateAnimationUsingDataTimeSteps()
    view.CameraPosition = [-1.0, 1.2, 0.9]
    view.CameraFocalPoint = [0.0, 0.0, 0.0]
    view.CameraViewUp = [0.0, 0.0, 1.0]
    ResetCamera(view)
    Render(view)
    print("lightbody: %s, deformation x %.3g" % (pvd, warp))
    return warped


if __name__ == "__main__":
    argv = sys.argv[1:]
    screenshot = None
    if "--screenshot" in argv:
        i = argv.index("--screenshot")
        screenshot = argv[i + 1]
        del argv[i:i + 2]
    args = [a for a in argv if not a.startswith("-")]
    folder = args[0] if args else os.environ.get("LIGHTBODY_RESULTS", ".")
    factor = float(args[1]) if len(args) > 1 else None
    open_results(folder, factor)
    if screenshot:
        SaveScreenshot(screenshot, GetActiveViewOrCreate("RenderView"), ImageResolution=[1280, 800])
